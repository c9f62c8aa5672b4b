"""Ask once: the one announcement per campaign, and a calendar entry for its end.

kitgen writes exactly one message per campaign (`<slug>/announcement.md` and `.txt`) and has
deliberately no reminder feature. The `<slug>/<slug>-ends.ics` file is for the person who
joined: a calendar entry on the last day, suggesting they may want their old picture back.
It is written by hand per RFC 5545 and is the same for everyone: no per-person data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from html import unescape
from typing import Any

from kitgen import render
from kitgen.config import Campaign, SiteConfig

_TAGS = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")
_UNIX = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def plain(markdown_text: str) -> str:
    """Return Markdown as one line of plain text (for summaries in messages)."""
    html = render.render_markdown(markdown_text)
    return " ".join(unescape(_TAGS.sub("", html)).split())


def first_sentence(markdown_text: str) -> str:
    """Return the first sentence of a Markdown text, as plain text."""
    text = plain(markdown_text)
    match = _SENTENCE.match(text)
    return match.group(1) if match else text


def kit_link(site: SiteConfig, slug: str) -> str:
    """Return the campaign page's full address, or its path when no base URL is known."""
    return f"{site.base_url.rstrip('/')}/{slug}/" if site.base_url else f"{slug}/index.html"


def format_date(d: dt.date, strings: Mapping[str, Any]) -> str:
    """Format a date the way the pages do (the strings' `date` pattern): 30 April 2027."""
    pattern = strings.get("date", "{day} {month} {year}")
    return str(pattern).format(day=d.day, month=strings["months"][d.month - 1], year=d.year)


def announcement(
    campaign: Campaign, site: SiteConfig, strings: Mapping[str, Any]
) -> tuple[str, str]:
    """Return the campaign's one announcement as (Markdown, plain text)."""
    t = strings["announcement"]
    title = campaign.title
    link = kit_link(site, campaign.slug)
    missing = "" if site.base_url else f" {t['no_base_url']}"
    offer = campaign.announcement_md.strip() or t["offer"].format(title=title)
    parts = [
        first_sentence(campaign.summary) if campaign.summary.strip() else "",
        offer,
        t["choice"],
    ]
    closing = [t["until"].format(date=format_date(campaign.ends, strings))] if campaign.ends else []
    if site.organisation:
        closing.append(t["from"].format(organisation=site.organisation))
    subject = t["subject"].format(title=title)
    body = [p for p in parts if p]
    md = "\n\n".join([f"# {subject}", *body, f"{t['link']} <{link}>{missing}", *closing])
    txt = "\n\n".join(
        [subject, *(plain(p) for p in body), f"{t['link']} {link}{missing}", *closing]
    )
    return md + "\n", txt + "\n"


# --- iCalendar (RFC 5545) ---------------------------------------------------


def ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current)
            current, limit = b" ", 75  # a continuation line starts with one space
        current += encoded
    out.append(current)
    return "\r\n".join(part.decode("utf-8") for part in out)


def _stamp(campaign: Campaign) -> str:
    """DTSTAMP must exist; keep it reproducible: SOURCE_DATE_EPOCH, else the campaign's dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        moment = _UNIX + dt.timedelta(seconds=int(epoch))
    else:
        day = campaign.starts or campaign.ends or dt.date(1970, 1, 1)
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar(
    campaign: Campaign, site: SiteConfig, strings: Mapping[str, Any], generator: str
) -> bytes | None:
    """Return an all-day iCalendar event on the campaign's last day, or None without `ends`."""
    if campaign.ends is None:
        return None
    t = strings["calendar"]
    end = campaign.ends
    link = kit_link(site, campaign.slug) + ("#change-back" if site.base_url else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//kitgen//{ics_text(generator)}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        # Derived from the campaign alone: the same file for everyone, nothing to tell people apart.
        f"UID:{campaign.slug}-ends-{end:%Y%m%d}@kitgen.invalid",
        f"DTSTAMP:{_stamp(campaign)}",
        f"DTSTART;VALUE=DATE:{end:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_text(t['summary'].format(title=campaign.title))}",
        f"DESCRIPTION:{ics_text(t['description'].format(title=campaign.title, link=link))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def files(
    campaigns: Sequence[Campaign], site: SiteConfig, strings: Mapping[str, Any], generator: str
) -> dict[str, bytes]:
    """Return every announcement and calendar file of the kit, by output path."""
    out: dict[str, bytes] = {}
    for c in campaigns:
        md, txt = announcement(c, site, strings)
        out[f"{c.slug}/announcement.md"] = md.encode("utf-8")
        out[f"{c.slug}/announcement.txt"] = txt.encode("utf-8")
        ics = calendar(c, site, strings, generator)
        if ics is not None:
            out[f"{c.slug}/{c.slug}-ends.ics"] = ics
    return out
