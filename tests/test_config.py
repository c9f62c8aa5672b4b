from __future__ import annotations

import pytest

from kitgen.config import load_campaign, load_site
from kitgen.errors import ContentError
from kitgen.platforms import builtin_platforms

from .conftest import Workspace, write_image

LABEL = "campaigns/c/campaign.toml"


def problems(ws: Workspace, toml: str, files: tuple[str, ...] = ("artwork/a.jpg",)) -> list[str]:
    folder = ws.campaign("c", toml)
    for name in files:
        write_image(folder / name, (50, 50))
    with pytest.raises(ContentError) as info:
        load_campaign(ws.root, "c", builtin_platforms())
    return info.value.problems


ART = '\n[[artwork]]\nfile = "artwork/a.jpg"\nslots = ["profile"]\nalt = "A"\n'


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('title = "T"\ncolour = "red"\n', f"{LABEL}: unknown key 'colour'"),
        ('title = "T"\ntitel = "x"\n', "unknown key 'titel'; did you mean 'title'?"),
        ("summary = 'x'\n", f"{LABEL}: missing required key 'title'"),
        ("title = 3\n", f"{LABEL}: expected a string (title)"),
        ('title = "T"\nstarts = "2026-01-01"\n', "expected a date like 2026-03-01"),
        (
            'title = "T"\nstarts = 2026-05-01\nends = 2026-04-01\n',
            f"{LABEL}: ends (2026-04-01) is before starts (2026-05-01) (ends)",
        ),
        (
            'title = "T"\nplatforms = ["linkdin"]\n',
            f"{LABEL}: unknown platform 'linkdin'; did you mean 'linkedin'?",
        ),
        (
            'title = "T"\n[[artwork]]\nfile = "artwork/a.jpg"\nslots = ["profile"]\n',
            "missing required key 'alt' (artwork[0])",
        ),
        (
            'title = "T"\n[[artwork]]\nslots = ["profile"]\nalt = "A"\n',
            "missing required key 'file' (artwork[0])",
        ),
        (
            'title = "T"\n[[artwork]]\nfile = "artwork/a.jpg"\nslots = ["avatar"]\nalt = "A"\n',
            "unknown slot 'avatar'",
        ),
        (
            'title = "T"\n[[artwork]]\nfile = "artwork/missing.jpg"\n'
            'slots = ["profile"]\nalt = "A"\n',
            f"{LABEL}: file 'artwork/missing.jpg' not found (artwork[0].file)",
        ),
        (
            'title = "T"\n[[artwork]]\nfile = "../other/a.jpg"\nslots = ["profile"]\nalt = "A"\n',
            "must be a path inside the campaign folder (artwork[0].file)",
        ),
        (
            'title = "T"\n[[artwork]]\nfile = "/etc/passwd"\nslots = ["profile"]\nalt = "A"\n',
            "must be a path inside the campaign folder",
        ),
        (
            'title = "T"' + ART + "focus = [2, 0]\n",
            "expected two numbers between 0 and 1, like [0.5, 0.4] (artwork[0].focus)",
        ),
        ('title = "T"\nstarts = 2026-01-01T10:00:00\n', "(no quotes, no time) (starts)"),
        ("title = \n", f"{LABEL}: invalid TOML: Invalid value (at line 1, column 9)"),
    ],
)
def test_each_mistake_is_reported_with_file_and_place(
    workspace: Workspace, toml: str, expected: str
) -> None:
    found = problems(workspace, toml)
    assert any(expected in p for p in found), found
    assert all(p.startswith(f"{LABEL}: ") for p in found)


def test_every_problem_in_a_file_is_reported_at_once(workspace: Workspace) -> None:
    toml = 'colour = 1\nplatforms = ["nope"]\n[[artwork]]\nfile = "artwork/a.jpg"\nslots = ["x"]\n'
    found = problems(workspace, toml)
    assert len(found) == 5, found  # unknown key, no title, unknown platform, no alt, bad slot


def test_symlink_out_of_the_campaign_folder_is_refused(workspace: Workspace) -> None:
    outside = write_image(workspace.root / "secret.jpg", (20, 20))
    folder = workspace.campaign("c", 'title = "T"' + ART)
    (folder / "artwork").mkdir()
    (folder / "artwork" / "a.jpg").symlink_to(outside)
    with pytest.raises(ContentError) as info:
        load_campaign(workspace.root, "c", builtin_platforms())
    assert "leads outside the campaign folder" in info.value.problems[0]


def test_a_valid_campaign_loads_with_defaults(workspace: Workspace) -> None:
    folder = workspace.campaign("c", 'title = "T"' + ART)
    write_image(folder / "artwork" / "a.jpg", (50, 50))
    campaign = load_campaign(workspace.root, "c", builtin_platforms())
    assert campaign.platforms == tuple(builtin_platforms())
    assert campaign.artwork[0].focus == (0.5, 0.5)
    assert campaign.artwork[0].fit == "cover"


def test_invalid_utf8_names_the_byte_offset(workspace: Workspace) -> None:
    folder = workspace.campaign("c", "")
    (folder / "campaign.toml").write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(ContentError, match="not valid UTF-8 at byte 12"):
        load_campaign(workspace.root, "c", builtin_platforms())


def test_site_config_rejects_unknown_keys(workspace: Workspace) -> None:
    workspace.root.mkdir(parents=True)
    (workspace.root / "kitgen.toml").write_text('title = "Kit"\norganization = "ACME"\n')
    with pytest.raises(
        ContentError,
        match=r"kitgen.toml: unknown key 'organization'; did you mean 'organisation'\?",
    ):
        load_site(workspace.root)
