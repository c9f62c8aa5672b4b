"""Load and validate kitgen.toml and campaign.toml into frozen dataclasses.

Validation collects every problem in a file before reporting, so a person fixes
them all in one pass instead of one per build.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import tomllib
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kitgen.errors import ContentError
from kitgen.paths import display_path, is_inside, read_text, slugify
from kitgen.platforms import SLOT_KINDS, Platform

log = logging.getLogger("kitgen")

SITE_FILE = "kitgen.toml"
CAMPAIGN_FILE = "campaign.toml"
CAMPAIGNS_DIR = "campaigns"
FITS = ("cover", "contain")
# Top-level names in the output that belong to the kit itself, not to a campaign.
RESERVED_SLUGS = ("assets",)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Markdown beyond these limits takes minutes to render or overflows the stack (measured with
# Python-Markdown 3.11: 500 `[` in a paragraph take 0.2 s, 4000 take 6 s).
MAX_MARKDOWN_BRACKETS = 300
MAX_MARKDOWN_DEPTH = 16
_NESTING = re.compile(r"^(?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?:[ \t]+|$))+")
_MARKER = re.compile(r"[-*+>]|\d{1,9}[.)]")
# Characters that hide or disguise text: C0 and C1 controls (but tab and newlines) and the
# bidi embeddings, overrides and isolates that "Trojan Source" (CVE-2021-42574) abuses to
# show text in another order than it is stored. LRM, RLM and ALM stay: right-to-left
# languages need them, and they cannot reorder the text around them.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class NoticeNote:
    """An extra note in the opt-in notice for one audience (contractors, a country…)."""

    audience: str
    text: str  # Markdown


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Campaign kit"
    organisation: str = ""
    theme: str = "default"
    base_url: str = ""
    language: str = "en"
    contact: str = ""
    # Extra notes add to the notice; its core points always render and cannot be configured away.
    notice: tuple[NoticeNote, ...] = ()
    # Sources above this are refused from their header, before any pixel is decoded.
    max_source_megapixels: float = 100.0

    @property
    def max_pixels(self) -> int:
        return int(self.max_source_megapixels * 1_000_000)


@dataclass(frozen=True)
class Artwork:
    file: str  # as written in campaign.toml, relative to the campaign folder
    path: Path
    slots: tuple[str, ...]
    alt: str
    focus: tuple[float, float] = (0.5, 0.5)
    fit: str = "cover"
    background: str = "#ffffff"  # flattening colour for transparency and `contain` padding


@dataclass(frozen=True)
class Campaign:
    slug: str
    folder: Path
    title: str
    summary: str = ""
    starts: dt.date | None = None
    ends: dt.date | None = None
    platforms: tuple[str, ...] = ()
    artwork: tuple[Artwork, ...] = ()
    notice_md: str = ""
    terms_md: str = ""
    announcement_md: str = ""  # optional own words for the one announcement

    def status(self, today: dt.date) -> str:
        """Return `upcoming`, `current` or `ended` for the given day."""
        if self.starts and today < self.starts:
            return "upcoming"
        if self.ends and today > self.ends:
            return "ended"
        return "current"


@dataclass
class _Problems:
    """Every problem found in one file, reported together."""

    label: str
    items: list[str] = field(default_factory=list)

    def add(self, what: str, where: str = "") -> None:
        self.items.append(f"{self.label}: {what}" + (f" ({where})" if where else ""))

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)


def _load_toml(path: Path, root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text(path, root))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError([f"{display_path(path, root)}: invalid TOML: {exc}"]) from None


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_keys(
    table: Mapping[str, Any], allowed: Sequence[str], problems: _Problems, where: str = ""
) -> None:
    for key in table:
        if key not in allowed:
            place = f"{where}.{key}" if where else key
            problems.add(f"unknown key {key!r}{_suggest(key, allowed)}", place)


def _text(
    table: Mapping[str, Any], key: str, problems: _Problems, where: str, *, shown: bool = True
) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        problems.add("expected a string", where)
        return ""
    return clean_text(value, f"{problems.label}", where) if shown else value


def markdown_problem(text: str) -> str | None:
    """Tell what makes Markdown too costly to render: dense brackets or very deep nesting."""
    for block in re.split(r"\n[ \t]*\n", text):
        # Python-Markdown's link patterns take quadratic time in the `[` of one paragraph:
        # 20 000 of them take minutes. Real prose has a handful.
        if block.count("[") > MAX_MARKDOWN_BRACKETS:
            return (
                f"a paragraph has {block.count('[')} '[' (more than {MAX_MARKDOWN_BRACKETS})"
                " — split it or write fewer links"
            )
    for number, line in enumerate(text.splitlines(), 1):
        # Each level of list or quote nesting recurses; thousands overflow Python's stack.
        markers = _NESTING.match(line)
        depth = len(_MARKER.findall(markers.group(0))) if markers else 0
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if max(depth, indent // 4) > MAX_MARKDOWN_DEPTH:
            return (
                f"line {number} nests lists or quotes more than {MAX_MARKDOWN_DEPTH} levels deep"
                " — flatten it"
            )
    return None


def clean_text(text: str, label: str, where: str = "") -> str:
    """Remove invisible control and bidi-override characters, with a warning naming the place."""
    cleaned, count = _INVISIBLE.subn("", text)
    if count:
        log.warning(
            "%s: removed %d invisible control or text-direction character%s%s",
            label,
            count,
            "s" * (count != 1),
            f" ({where})" if where else "",
        )
    return cleaned


def load_site(root: Path) -> SiteConfig:
    """Load the optional kitgen.toml at the workspace root."""
    path = root / SITE_FILE
    if not path.is_file():
        return SiteConfig()
    raw = _load_toml(path, root)
    problems = _Problems(display_path(path, root))
    names = list(SiteConfig.__dataclass_fields__)
    _check_keys(raw, names, problems)
    texts = [k for k in names if k not in ("notice", "max_source_megapixels")]
    values: dict[str, Any] = {k: _text(raw, k, problems, k) for k in texts if k in raw}
    if "theme" in values and values["theme"] and slugify(values["theme"]) != values["theme"]:
        problems.add("expected a theme folder name like 'brand'", "theme")
    notes = _notice_notes(raw.get("notice", []), problems)
    if values.get("base_url") and (why := base_url_problem(values["base_url"])):
        problems.add(why, "base_url")
    if "max_source_megapixels" in raw:
        limit = raw["max_source_megapixels"]
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int | float)
            or not 1 <= limit <= 10_000
        ):
            problems.add("expected a number of megapixels from 1 to 10000", "max_source_megapixels")
        else:
            values["max_source_megapixels"] = float(limit)
    problems.raise_if_any()
    return SiteConfig(**values, notice=notes)


def _notice_notes(value: Any, problems: _Problems) -> tuple[NoticeNote, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.add('expected [[notice]] tables with audience = "…" and text = "…"', "notice")
        return ()
    notes = []
    for i, table in enumerate(value):
        where = f"notice[{i}]"
        _check_keys(table, ("audience", "text"), problems, where)
        audience = _text(table, "audience", problems, f"{where}.audience").strip()
        text = _text(table, "text", problems, f"{where}.text").strip()
        if not audience or not text:
            problems.add("needs both audience and text, neither empty", where)
        elif (why := markdown_problem(text)) is not None:
            problems.add(why, f"{where}.text")
        else:
            notes.append(NoticeNote(audience, text))
    return tuple(notes)


def base_url_problem(url: str) -> str | None:
    """Tell what is wrong with a base URL, or None: it must be an absolute http(s) address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or url != url.strip():
        return f"expected an absolute address like https://intranet.example/kit/, not {url!r}"
    return None


def discover_campaigns(root: Path) -> list[str]:
    """Return the campaign folder names under campaigns/, sorted."""
    folder = root / CAMPAIGNS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and (p / CAMPAIGN_FILE).is_file()
    )


def load_campaign(root: Path, name: str, platforms: Mapping[str, Platform]) -> Campaign:
    """Load and validate campaigns/<name>/campaign.toml and its optional Markdown files."""
    folder = root / CAMPAIGNS_DIR / name
    path = folder / CAMPAIGN_FILE
    label = display_path(path, root)
    if not path.is_file():
        raise ContentError([f"{label}: not found — create it with `kitgen new {name}`"])
    if not is_inside(path, folder):
        raise ContentError(
            [f"{label}: a symlink leading outside the campaign folder — copy the file in"]
        )
    raw = _load_toml(path, root)
    problems = _Problems(label)

    slug = slugify(name)
    if not slug:
        problems.add("the folder name has no letters or digits to make a web address from")
    elif slug in RESERVED_SLUGS:
        problems.add(
            f"the folder name {name!r} is taken by the kit's own files — rename the folder"
        )

    allowed = ("title", "summary", "starts", "ends", "platforms", "artwork")
    _check_keys(raw, allowed, problems)
    if "title" not in raw:
        problems.add("missing required key 'title'")
    title = _text(raw, "title", problems, "title").strip()
    if "title" in raw and not title and isinstance(raw["title"], str):
        problems.add("must not be empty", "title")
    summary = _text(raw, "summary", problems, "summary")
    if (why := markdown_problem(summary)) is not None:
        problems.add(why, "summary")
    starts = _date(raw, "starts", problems)
    ends = _date(raw, "ends", problems)
    if starts and ends and ends < starts:
        problems.add(f"ends ({ends}) is before starts ({starts})", "ends")
    chosen = _platform_ids(raw, platforms, problems)
    artwork = _artworks(raw, folder, problems)

    problems.raise_if_any()
    return Campaign(
        slug=slug,
        folder=folder,
        title=title,
        summary=summary,
        starts=starts,
        ends=ends,
        platforms=chosen,
        artwork=artwork,
        notice_md=_optional_markdown(folder / "notice.md", root),
        terms_md=_optional_markdown(folder / "terms.md", root),
        announcement_md=_optional_markdown(folder / "announcement.md", root),
    )


def _optional_markdown(path: Path, root: Path) -> str:
    if not path.is_file():
        return ""
    label = display_path(path, root)
    # A symlink here would publish whatever it points at (a key, a password file) as page text.
    if not is_inside(path, path.parent):
        raise ContentError(
            [f"{label}: a symlink leading outside the campaign folder — copy the file in"]
        )
    text = clean_text(read_text(path, root), label)
    if (why := markdown_problem(text)) is not None:
        raise ContentError([f"{label}: {why}"])
    return text


def _date(raw: Mapping[str, Any], key: str, problems: _Problems) -> dt.date | None:
    value = raw.get(key)
    if value is None:
        return None
    # A TOML datetime is a date subclass too; the kit only ever means whole days.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        problems.add("expected a date like 2026-03-01 (no quotes, no time)", key)
        return None
    return value


def _platform_ids(
    raw: Mapping[str, Any], platforms: Mapping[str, Platform], problems: _Problems
) -> tuple[str, ...]:
    value = raw.get("platforms")
    if value is None:
        return tuple(platforms)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add('expected a list of platform ids like ["linkedin", "zoom"]', "platforms")
        return ()
    known = list(platforms)
    for i, pid in enumerate(value):
        if pid not in platforms:
            problems.add(
                f"unknown platform {pid!r}{_suggest(pid, known)} (`kitgen platforms` lists them)",
                f"platforms[{i}]",
            )
    return tuple(dict.fromkeys(p for p in value if p in platforms))


def _artworks(raw: Mapping[str, Any], folder: Path, problems: _Problems) -> tuple[Artwork, ...]:
    value = raw.get("artwork", [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.add("expected [[artwork]] tables", "artwork")
        return ()
    found = (_artwork(table, f"artwork[{i}]", folder, problems) for i, table in enumerate(value))
    return tuple(a for a in found if a is not None)


def _artwork(
    table: Mapping[str, Any], where: str, folder: Path, problems: _Problems
) -> Artwork | None:
    before = len(problems.items)
    allowed = ("file", "slots", "alt", "focus", "fit", "background")
    _check_keys(table, allowed, problems, where)
    for key in ("file", "slots", "alt"):
        if key not in table:
            problems.add(f"missing required key {key!r}", where)
    file = _text(table, "file", problems, f"{where}.file", shown=False)
    alt = _text(table, "alt", problems, f"{where}.alt").strip()
    if "alt" in table and not alt and isinstance(table["alt"], str):
        problems.add("must describe the image for people who cannot see it", f"{where}.alt")
    path = _artwork_path(file, folder, problems, f"{where}.file") if file else None
    slots = _slots(table.get("slots", []), problems, f"{where}.slots")
    focus = _focus(table.get("focus", [0.5, 0.5]), problems, f"{where}.focus")
    fit = _text(table, "fit", problems, f"{where}.fit") or "cover"
    if fit not in FITS:
        problems.add(f"expected one of {', '.join(FITS)}", f"{where}.fit")
    background = _text(table, "background", problems, f"{where}.background") or "#ffffff"
    if not _COLOUR.match(background):
        problems.add('expected a colour like "#ffffff"', f"{where}.background")
    if len(problems.items) > before or path is None:
        return None
    return Artwork(file, path, slots, alt, focus, fit, background.lower())


def _artwork_path(file: str, folder: Path, problems: _Problems, where: str) -> Path | None:
    if _INVISIBLE.search(file):
        problems.add(f"{file!r} contains control characters — rename the file", where)
        return None
    relative = Path(file)
    if relative.is_absolute() or ".." in relative.parts:
        problems.add(f"{file!r} must be a path inside the campaign folder", where)
        return None
    path = folder / relative
    try:
        inside, found = is_inside(path, folder), path.is_file()
    except (OSError, RuntimeError) as exc:  # a name too long, a symlink loop (RuntimeError)
        problems.add(f"{file!r} cannot be opened ({exc}) — check the name", where)
        return None
    if not inside:
        problems.add(f"{file!r} leads outside the campaign folder (symlink?)", where)
        return None
    if not found:
        problems.add(f"file {file!r} not found", where)
        return None
    return path


def _slots(value: Any, problems: _Problems, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.add(f"expected a non-empty list of slot kinds ({', '.join(SLOT_KINDS)})", where)
        return ()
    for i, kind in enumerate(value):
        if kind not in SLOT_KINDS:
            problems.add(
                f"unknown slot {kind!r}{_suggest(kind, SLOT_KINDS)};"
                f" choose from {', '.join(SLOT_KINDS)}",
                f"{where}[{i}]",
            )
    return tuple(dict.fromkeys(value))


def _focus(value: Any, problems: _Problems, where: str) -> tuple[float, float]:
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(0 <= v <= 1 for v in value)
    )
    if not ok:
        problems.add("expected two numbers between 0 and 1, like [0.5, 0.4]", where)
        return (0.5, 0.5)
    return (float(value[0]), float(value[1]))
