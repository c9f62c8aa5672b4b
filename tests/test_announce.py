"""Ask once: the announcement, and the calendar entry for the end of a campaign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from kitgen.lint import lint_text

from .conftest import Workspace
from .html_tools import parse

SAMPLES = ("pride-2026", "spring-launch", "winter-wellbeing")


def test_each_campaign_has_one_announcement_in_markdown_and_text(sample_kit: Path) -> None:
    md = (sample_kit / "spring-launch" / "announcement.md").read_text("utf-8")
    assert md == (
        "# Spring Launch: campaign images, if you would like them\n\n"
        "Spring Launch runs from 1 March to 30 April 2027.\n\n"
        "There are ready-made profile pictures, banners and video-call backgrounds for"
        " Spring Launch, sized for each platform.\n\n"
        "Using them is entirely your choice. Nobody records who does, and this is the only"
        " message about it: there will be no reminders.\n\n"
        "The kit: <spring-launch/index.html> (relative to where the kit is published:"
        " build with --base-url to put the full address here)\n\n"
        "Available until 30 April 2027.\n"
    )
    txt = (sample_kit / "spring-launch" / "announcement.txt").read_text("utf-8")
    assert txt.startswith("Spring Launch: campaign images, if you would like them\n\n")
    assert "The kit: spring-launch/index.html (relative" in txt and "#" not in txt


@pytest.mark.parametrize("slug", SAMPLES)
def test_the_announcements_own_wording_passes_the_lint(sample_kit: Path, slug: str) -> None:
    for name in ("announcement.md", "announcement.txt"):
        assert list(lint_text((sample_kit / slug / name).read_text("utf-8"))) == []


def test_base_url_own_words_and_organisation_reach_the_announcement(simple: Workspace) -> None:
    folder = simple.root / "campaigns" / "simple"
    (folder / "announcement.md").write_text("Our *own* words about the kit.\n", "utf-8")
    (simple.root / "kitgen.toml").write_text('organisation = "Example Ltd"\n', "utf-8")
    simple.build(base_url="https://intranet.example.com/kit/")
    md = (simple.out / "simple" / "announcement.md").read_text("utf-8")
    assert "\n\nA simple campaign.\n\nOur *own* words about the kit.\n\n" in md
    assert "The kit: <https://intranet.example.com/kit/simple/>\n\n" in md
    assert md.endswith("Available until 31 December 2026.\n\nFrom Example Ltd.\n")
    txt = (simple.out / "simple" / "announcement.txt").read_text("utf-8")
    assert "\n\nOur own words about the kit.\n\n" in txt
    assert "The kit: https://intranet.example.com/kit/simple/\n" in txt


def _event(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//kitgen//kitgen 0.1.0//EN"
    return event


def test_the_ends_calendar_is_valid_icalendar_for_the_last_day(sample_kit: Path) -> None:
    data = (sample_kit / "spring-launch" / "spring-launch-ends.ics").read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    event = _event(data)
    assert event.decoded("DTSTART") == dt.date(2027, 4, 30)
    assert event.decoded("DTEND") == dt.date(2027, 5, 1)
    assert str(event["UID"]) == "spring-launch-ends-20270430@kitgen.invalid"
    assert event.decoded("DTSTAMP") == dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "Spring Launch ends today"
    description = str(event["DESCRIPTION"])
    assert "you may want to put your previous picture back" in description
    assert description.endswith("The steps are on the kit page: spring-launch/index.html")
    assert set(event) == {
        "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP",
    }  # fmt: skip


def test_the_campaign_page_offers_the_calendar_file(sample_kit: Path) -> None:
    page = parse(sample_kit / "winter-wellbeing" / "index.html")
    (link,) = [a for a in page.all("a") if a.attrs.get("href", "").endswith(".ics")]
    assert link.attrs["href"] == "winter-wellbeing-ends.ics" and "download" in link.attrs
    assert (sample_kit / "winter-wellbeing" / link.attrs["href"]).is_file()


def test_long_unicode_titles_fold_and_parse_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    title = "Écoute, ça; va — " * 8 + "🌈 Fin"
    workspace.campaign(
        "long",
        f"""
        title = "{title}"
        ends = 2026-12-31
        platforms = ["zoom"]
        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["background"]
        alt = "Hero"
        """,
        {"artwork/hero.jpg": (1920, 1080)},
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    workspace.build(base_url="https://intranet.example.com/kit")
    data = (workspace.out / "long" / "long-ends.ics").read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character
    event = _event(data)
    assert str(event["SUMMARY"]) == f"{title} ends today"
    assert str(event["DESCRIPTION"]).endswith("https://intranet.example.com/kit/long/#change-back")
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_no_calendar_without_an_end_date(workspace: Workspace) -> None:
    workspace.campaign(
        "open",
        """
        title = "Open"
        platforms = ["zoom"]
        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["background"]
        alt = "Hero"
        """,
        {"artwork/hero.jpg": (1920, 1080)},
    )
    workspace.build()
    assert (workspace.out / "open" / "announcement.md").is_file()
    assert list(workspace.out.rglob("*.ics")) == []
    assert ".ics" not in (workspace.out / "open" / "index.html").read_text("utf-8")


def test_calendar_and_announcement_are_byte_identical_across_builds(
    simple: Workspace, tmp_path: Path
) -> None:
    simple.build(out=tmp_path / "a")
    simple.build(out=tmp_path / "b")
    for name in ("simple-ends.ics", "announcement.md", "announcement.txt"):
        assert (tmp_path / "a" / "simple" / name).read_bytes() == (
            tmp_path / "b" / "simple" / name
        ).read_bytes()


def test_german_sites_announce_in_german_and_pass_the_lint(simple: Workspace) -> None:
    (simple.root / "kitgen.toml").write_text('language = "de"\n', "utf-8")
    simple.build()
    md = (simple.out / "simple" / "announcement.md").read_text("utf-8")
    assert md.startswith("# Simple: Kampagnenbilder, wenn Sie möchten\n")
    assert "Es wird keine Erinnerungen geben." in md
    assert md.endswith("Verfügbar bis 31. Dezember 2026.\n")
    assert list(lint_text(md)) == []
    event = _event((simple.out / "simple" / "simple-ends.ics").read_bytes())
    assert str(event["SUMMARY"]) == "Simple endet heute"
    page = parse(simple.out / "simple" / "index.html").plain_text
    assert "Das Enddatum in Ihren Kalender eintragen" in page
