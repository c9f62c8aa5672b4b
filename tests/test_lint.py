"""The pressure-wording lint: findings in English and German, none on the sample campaigns."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kitgen.config import discover_campaigns, load_campaign, load_site
from kitgen.lint import lint_text, lint_workspace
from kitgen.platforms import builtin_platforms

from .conftest import REPO, Workspace


def phrases(text: str) -> list[str]:
    return [phrase.lower() for _, phrase, _ in lint_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Changing your profile picture is mandatory for all staff.", ["mandatory"]),
        ("You must use the new banner.", ["must"]),
        ("Everyone is expected to update their photo.", ["is expected to"]),
        ("Everyone should switch by Friday.", ["everyone should"]),
        ("The deadline is 1 March.", ["deadline"]),
        ("We will check who has updated their profile.", ["we will check"]),
        ("Show your support by changing your banner!", ["show your support"]),
        ("Don't be the only one without the badge.", ["don't be the only one"]),
        ("Only 3 of your team have joined so far.", ["3 of your"]),
        ("Already 85% of employees use the frame.", ["85% of employees"]),
        ("Thanks to Anna and Ben for joining so quickly!", ["thanks to anna and ben for joining"]),
        ("The team leaderboard is on the intranet.", ["leaderboard"]),
        ("We will send a reminder next week.", ["we will send", "reminder"]),
        ("Last chance to get the badge!", ["last chance"]),
        ("Please make sure you update your picture.", ["please make sure you"]),
    ],
)
def test_english_pressure_is_found(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Teilnahme ist verpflichtend.", ["verpflichtend"]),
        ("Sie müssen das neue Profilbild verwenden.", ["müssen"]),
        ("Von allen wird erwartet, dass sie mitmachen.", ["wird erwartet"]),
        ("Alle sollten bis Freitag umstellen.", ["alle sollten"]),
        ("Die Frist endet am 1. März.", ["frist"]),
        ("Wir prüfen, wer sein Bild geändert hat.", ["wir prüfen"]),
        ("Zeigen Sie Ihre Unterstützung mit dem Banner!", ["zeigen sie ihre unterstützung"]),
        ("Sei nicht der Einzige ohne Badge.", ["sei nicht der einzige"]),
        ("Schon 40 Kollegen machen mit.", ["40 kollegen"]),
        ("Die Rangliste der Teams hängt in der Kantine.", ["rangliste"]),
        ("Nächste Woche schicken wir eine Erinnerung.", ["erinnerung"]),
        ("Letzte Chance für das Badge!", ["letzte chance"]),
        ("Bitte stellen Sie sicher, dass Ihr Bild aktuell ist.", ["bitte stellen sie sicher"]),
    ],
)
def test_german_pressure_is_found(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Taking part is not mandatory and nothing is expected of anyone.",
        "Nobody is expected to take part. You don't have to change anything.",
        "Please do not recolour the logo: you must not crop it.",
        "There will be no reminders and no follow-ups.",
        "Nobody will check whether you did.",
        "The mustard-yellow badge is a must-see? No: a mustard badge.".replace("must-see", "nice"),
        "Die Teilnahme ist nicht verpflichtend. Sie müssen nichts ändern.",
        "Es gibt keine Erinnerungen. Niemand wird kontrolliert.",
        "If you would like to show you are taking part, the images are below.",
        "Spring Launch runs from 1 March to 30 April 2027.",
    ],
)
def test_gentle_wording_is_not_flagged(text: str) -> None:
    assert phrases(text) == []


def test_the_shipped_sample_campaigns_have_no_findings() -> None:
    names = discover_campaigns(REPO)
    assert len(names) >= 3, "the sample campaigns are part of the repository"
    platforms = builtin_platforms()
    campaigns = [load_campaign(REPO, n, platforms) for n in names]
    assert lint_workspace(load_site(REPO), campaigns, REPO) == []


def test_findings_name_file_line_phrase_why_and_alternative(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "c",
        '''\
        title = "Spring"
        summary = """
        A new season.
        Everyone should change their banner.
        """
        ''',
    )
    (folder / "notice.md").write_text("Hello.\n\nTaking part is **mandatory**.\n", "utf-8")
    (folder / "announcement.md").write_text("Die Frist ist der 1. März.\n", "utf-8")
    (workspace.root / "kitgen.toml").write_text(
        '[[notice]]\naudience = "Staff"\ntext = """\nThanks.\nWe will track who joined.\n"""\n',
        "utf-8",
    )
    campaign = load_campaign(workspace.root, "c", builtin_platforms())
    found = [str(f) for f in lint_workspace(load_site(workspace.root), [campaign], workspace.root)]
    assert found == [
        "kitgen.toml:5: 'We will track' says that people will be watched, which is exactly what"
        " the kit promises not to do — instead: say the opposite, which is true:"
        ' "nobody records who uses the images"',
        "campaigns/c/campaign.toml:4: 'Everyone should' speaks for everyone, so anyone who opts"
        " out stands apart — instead: address one person's choice: \"if you would like to join"
        ' in"',
        "campaigns/c/notice.md:3: 'mandatory' presents taking part as an obligation, when"
        " personal accounts are the person's own — instead: say it is optional:"
        ' "if you would like to", "entirely up to you"',
        "campaigns/c/announcement.md:1: 'Frist' setzt unter Zeitdruck, was freiwillig ist"
        " — instead: die Daten schlicht nennen: „verfügbar bis 30. April“",
    ]


def _kitgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kitgen", *args],
        env={**os.environ, "CI": "true"},
        capture_output=True,
        text=True,
    )


def test_check_warns_and_strict_fails_on_findings(simple: Workspace) -> None:
    toml = simple.root / "campaigns" / "simple" / "campaign.toml"
    toml.write_text(toml.read_text().replace("A *simple* campaign.", "Deadline: Friday."))
    relaxed = _kitgen("check", "--root", str(simple.root))
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: campaigns/simple/campaign.toml:3: 'Deadline'" in relaxed.stderr
    strict = _kitgen("check", "--strict", "--root", str(simple.root))
    assert strict.returncode == 1
    assert "Error: 1 warning above, and --strict treats warnings as errors" in strict.stderr


def test_builds_report_findings_as_warnings(simple: Workspace) -> None:
    (simple.root / "campaigns" / "simple" / "terms.md").write_text(
        textwrap.dedent(
            """\
            # Terms

            You have to keep the logo as it is.
            """
        ),
        "utf-8",
    )
    result = simple.build()
    assert any(w.startswith("campaigns/simple/terms.md:3: 'have to'") for w in result.warnings)
