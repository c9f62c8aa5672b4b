"""Hostile text: nothing in a text field or Markdown file can inject markup, script or disguise."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kitgen.errors import ContentError, UsageProblem

from .conftest import Workspace
from .html_tools import parse

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"
PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<a href='data:text/html;base64,PHNjcmlwdD4='>data</a>",
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "<style>body{display:none}</style>",
    '<div style="background:url(https://evil.example/t.gif)">styled</div>',
    "[md link](javascript:alert(1)) [md data](data:text/html,x) ![pixel](https://evil.example/p.gif)",
    '<form action="https://evil.example/"><input name=q></form>',
    f"invoice{RLO}gpj.exe and {LRI}isolated{PDI} and a bell\x07 and nul\x00",
]
HOSTILE = "\n\n".join(PAYLOADS)


def toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string with \\u escapes is a valid TOML basic string


@pytest.fixture
def hostile(workspace: Workspace) -> Workspace:
    workspace.root.mkdir(parents=True)
    (workspace.root / "kitgen.toml").write_text(
        f"title = {toml_string(PAYLOADS[0] + RLO)}\n"
        f"organisation = {toml_string(PAYLOADS[1])}\n"
        f"contact = {toml_string(PAYLOADS[2])}\n"
    )
    folder = workspace.campaign(
        "hostile",
        f"""
        title = {toml_string(PAYLOADS[0] + PAYLOADS[-1])}
        summary = {toml_string(HOSTILE)}
        platforms = ["zoom"]
        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["background"]
        alt = {toml_string('"><script>alert(1)</script>' + RLO)}
        """,
        {"artwork/hero.jpg": (1920, 1080)},
    )
    (folder / "notice.md").write_text(HOSTILE, encoding="utf-8")
    (folder / "terms.md").write_text(HOSTILE, encoding="utf-8")
    return workspace


def test_hostile_text_cannot_inject_anything(hostile: Workspace) -> None:
    result = hostile.build()
    pages = sorted(hostile.out.rglob("*.html"))
    assert len(pages) == 3
    for path in pages:
        page = parse(path)
        where = path.relative_to(hostile.out)
        for element in page.elements:
            # (The theme draws its own inline <svg> mock-ups; the payload's carries onload.)
            assert element.tag not in {"iframe", "style", "form", "input", "object"}, where
            assert not any(name.startswith("on") for name in element.attrs), (where, element)
            assert "style" not in element.attrs, (where, element)
        for script in page.all("script"):
            assert script.attrs.get("src", "").startswith(("assets/", "../")), (where, script)
        assert page.scripts_with_body == 0, where
        for url in (e.attrs[a] for e in page.elements for a in ("href", "src") if a in e.attrs):
            scheme = url.strip().lower().split(":", 1)[0]
            assert scheme not in {"javascript", "data", "vbscript"}, (where, url)
            assert "evil.example" not in url, (where, url)
        # Text stays visible as text: the payload is escaped, not dropped.
        if where.as_posix() == "hostile/index.html":
            assert "<script>alert('x')</script>" in page.plain_text
    text = "".join(p.read_text("utf-8") for p in [*pages, hostile.out / "manifest.json"])
    assert not any(c in text for c in (RLO, LRI, PDI, "\x07", "\x00"))
    assert "invoicegpj.exe" in text
    assert any(
        "campaigns/hostile/campaign.toml: removed 5 invisible control or text-direction characters"
        " (title)" in w
        for w in result.warnings
    ), result.warnings
    assert any("campaigns/hostile/notice.md: removed 5 invisible" in w for w in result.warnings)
    assert any("kitgen.toml: removed 1 invisible control" in w for w in result.warnings)


def test_right_to_left_marks_are_kept(workspace: Workspace) -> None:
    title = "\u05e7\u05de\u05e4\u05d9\u05d9\u05df\u200f 2026"  # Hebrew with a right-to-left mark
    workspace.campaign(
        "rtl",
        f'title = {toml_string(title)}\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "a.jpg"\nslots = ["background"]\nalt = "A"\n',
        {"a.jpg": (1920, 1080)},
    )
    result = workspace.build()
    assert result.warnings == []
    assert title in (workspace.out / "rtl" / "index.html").read_text("utf-8")


def test_very_long_lines_build_in_reasonable_time(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "long",
        f"title = {toml_string('T' * 20_000)}\n"
        f"summary = {toml_string('word ' * 40_000)}\n"
        'platforms = ["zoom"]\n'
        '[[artwork]]\nfile = "a.jpg"\nslots = ["background"]\nalt = "A"\n',
        {"a.jpg": (1920, 1080)},
    )
    # Shapes that make naive Markdown regexes backtrack, each as long a line as allowed.
    (folder / "notice.md").write_text(
        "\n\n".join(
            [
                "x [" * 300,
                "*a" * 20_000,
                "<" * 20_000,
                "`" * 20_000,
                "> " * 16 + "q" * 20_000,
                "_" * 20_000,
            ]
        )
    )
    started = time.perf_counter()
    workspace.build()
    assert time.perf_counter() - started < 20
    assert "T" * 20_000 in (workspace.out / "long" / "index.html").read_text()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "See [" * 301,
            "a paragraph has 301 '[' (more than 300) — split it or write fewer links",
        ),
        ("- " * 3000 + "x", "line 1 nests lists or quotes more than 16 levels deep — flatten it"),
        (
            "intro\n" + "".join("    " * i + "- x\n" for i in range(40)),
            "line 19 nests lists or quotes more than 16 levels deep — flatten it",
        ),
    ],
)
def test_markdown_too_costly_to_render_is_refused(
    workspace: Workspace, text: str, problem: str
) -> None:
    folder = workspace.campaign("c", f'title = "C"\nsummary = {toml_string(text)}\n')
    with pytest.raises(ContentError) as caught:
        workspace.build()
    assert caught.value.problems == [f"campaigns/c/campaign.toml: {problem} (summary)"]
    (folder / "campaign.toml").write_text('title = "C"\n')
    (folder / "terms.md").write_text(text)
    with pytest.raises(ContentError) as caught:
        workspace.build()
    assert caught.value.problems == [f"campaigns/c/terms.md: {problem}"]


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("campaigns/c/campaign.toml", 9),
        ("campaigns/c/notice.md", 6),
        ("campaigns/c/terms.md", 6),
        ("kitgen.toml", 9),
    ],
)
def test_invalid_utf8_names_the_file_and_byte(workspace: Workspace, name: str, offset: int) -> None:
    workspace.campaign("c", 'title = "C"\n')
    path = workspace.root / name
    good = path.read_bytes() if path.exists() else b""
    path.write_bytes(b'title = "\xff\xfe"\n' if name.endswith(".toml") else b"Hello \xc3\x28 there")
    if name == "kitgen.toml":
        assert good == b""
    with pytest.raises(ContentError) as caught:
        workspace.build()
    assert caught.value.problems == [
        f"{name}: not valid UTF-8 at byte {offset} — save the file as UTF-8"
    ]


def test_files_named_in_unicode_with_spaces_get_safe_output_names(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "Été 2026 — Fête!",
        'title = "Été"\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "art work/Hé llo & <b>?#%.jpg"\nslots = ["background"]\nalt = "A"\n',
        {"art work/Hé llo & <b>?#%.jpg": (1920, 1080)},
    )
    assert folder.is_dir()
    workspace.build()
    manifest = json.loads((workspace.out / "manifest.json").read_text())
    (campaign,) = manifest["campaigns"]
    assert campaign["slug"] == "ete-2026-fete"
    assert [a["path"] for a in campaign["assets"]] == [
        "ete-2026-fete/zoom/he-llo-b-background-1920x1080.jpg"
    ]
    assert campaign["assets"][0]["source"] == "art work/Hé llo & <b>?#%.jpg"


def test_two_artworks_whose_names_slug_alike_are_refused(workspace: Workspace) -> None:
    workspace.campaign(
        "c",
        'title = "C"\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "Hero!.jpg"\nslots = ["background"]\nalt = "A"\n'
        '[[artwork]]\nfile = "hero.png"\nslots = ["background"]\nalt = "B"\n',
        {"Hero!.jpg": (1920, 1080), "hero.png": (1920, 1080)},
    )
    with pytest.raises(ContentError, match="'Hero!.jpg' and 'hero.png' would both produce"):
        workspace.build()


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ("../outside.jpg", "'../outside.jpg' must be a path inside the campaign folder"),
        ("/etc/passwd", "'/etc/passwd' must be a path inside the campaign folder"),
        ("artwork/../../outside.jpg", "must be a path inside the campaign folder"),
        ("link.jpg", "'link.jpg' leads outside the campaign folder (symlink?)"),
        ("loop.jpg", "'loop.jpg' cannot be opened"),
        ("a\\u0000b.jpg", "contains control characters — rename the file"),
        ("x" * 300 + ".jpg", "cannot be opened ([Errno 36] File name too long"),
    ],
)
def test_artwork_paths_never_leave_the_campaign(
    workspace: Workspace, file: str, problem: str
) -> None:
    folder = workspace.campaign(
        "c",
        f'title = "C"\n[[artwork]]\nfile = "{file}"\nslots = ["background"]\nalt = "A"\n',
    )
    (workspace.root / "campaigns" / "outside.jpg").write_bytes(b"secret")
    (folder / "link.jpg").symlink_to(workspace.root / "campaigns" / "outside.jpg")
    (folder / "loop.jpg").symlink_to(folder / "loop.jpg")
    with pytest.raises(ContentError) as caught:
        workspace.build()
    assert problem in caught.value.problems[0]
    assert caught.value.problems[0].startswith("campaigns/c/campaign.toml: ")


def test_a_campaign_folder_named_assets_is_refused(workspace: Workspace) -> None:
    workspace.campaign("Assets", 'title = "A"\n')
    with pytest.raises(ContentError, match="the folder name 'Assets' is taken by the kit's own"):
        workspace.build()


def test_zip_entries_are_plain_relative_names(sample_kit: Path) -> None:
    import zipfile

    for path in sample_kit.rglob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                assert not name.startswith("/") and ".." not in name.split("/"), name
                assert "\\" not in name and name.isascii(), name


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)//", "data:text/html,x", "//evil.example/", "intranet/kit", " https://x/"],
)
def test_base_url_must_be_an_absolute_web_address(simple: Workspace, url: str) -> None:
    (simple.root / "kitgen.toml").write_text(f"base_url = {toml_string(url)}\n")
    with pytest.raises(ContentError, match=r"kitgen.toml: expected an absolute address like"):
        simple.build()
    (simple.root / "kitgen.toml").unlink()
    with pytest.raises(UsageProblem, match=r"--base-url: expected an absolute address like"):
        simple.build(base_url=url)


@pytest.mark.parametrize("name", ["notice.md", "terms.md", "campaign.toml"])
def test_text_files_symlinked_from_outside_are_refused(simple: Workspace, name: str) -> None:
    secret = simple.root / "secret.txt"
    secret.write_text('title = "private key"\n')
    target = simple.root / "campaigns" / "simple" / name
    if target.exists():
        secret.write_text(target.read_text())
        target.unlink()
    target.symlink_to(secret)
    with pytest.raises(ContentError) as caught:
        simple.build()
    assert caught.value.problems == [
        f"campaigns/simple/{name}: a symlink leading outside the campaign folder — copy the file in"
    ]


def test_a_notice_note_too_costly_to_render_is_refused(simple: Workspace) -> None:
    note = toml_string("- " * 100 + "x")
    (simple.root / "kitgen.toml").write_text(f'[[notice]]\naudience = "All"\ntext = {note}\n')
    with pytest.raises(ContentError) as caught:
        simple.build()
    assert caught.value.problems == [
        "kitgen.toml: line 1 nests lists or quotes more than 16 levels deep — flatten it"
        " (notice[0].text)"
    ]
