"""The pressure-wording lint: find words that turn an offer into an expectation.

The rules live in data/pressure_rules.toml (English and German). Every rule runs on every
text, whatever the site language: campaign texts are often written in another language than
the site's, and the phrases do not collide across the two. Findings are warnings in a build
and in `kitgen check`; `kitgen check --strict` makes them errors.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kitgen.config import CAMPAIGN_FILE, SITE_FILE, Campaign, SiteConfig
from kitgen.paths import display_path

_WORDS = re.compile(r"[\w'’]+")
_SENTENCE_END = re.compile(r"[.!?;:\n]\s")


@dataclass(frozen=True)
class Rule:
    lang: str
    pattern: re.Pattern[str]
    why: str
    instead: str
    negatable: bool = True


@dataclass(frozen=True)
class Finding:
    file: str  # as a person finds it in the workspace
    line: int
    phrase: str
    rule: Rule

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.phrase!r} {self.rule.why} — instead:"
            f" {self.rule.instead}"
        )


@cache
def rules() -> tuple[tuple[Rule, ...], dict[str, frozenset[str]]]:
    """Load the rules and each language's negation words from the data file."""
    data = tomllib.loads(
        resources.files("kitgen").joinpath("data", "pressure_rules.toml").read_text("utf-8")
    )
    loaded = tuple(
        Rule(
            lang=r["lang"],
            # Word boundaries on both sides: "must" never matches inside "mustard".
            pattern=re.compile(rf"(?<!\w)(?:{r['pattern']})(?!\w)", re.IGNORECASE),
            why=r["why"],
            instead=r["instead"],
            negatable=r.get("negatable", True),
        )
        for r in data["rule"]
    )
    negation = {lang: frozenset(words) for lang, words in data["negation"].items()}
    return loaded, negation


def _negated(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """Tell whether a negation word stands just before or after the match, same sentence."""
    before = text[max(0, start - 60) : start]
    cut = list(_SENTENCE_END.finditer(before))
    before = before[cut[-1].end() :] if cut else before
    after = text[end : end + 40]
    stop = _SENTENCE_END.search(after)
    after = after[: stop.start()] if stop else after
    near = _WORDS.findall(before)[-3:] + _WORDS.findall(after)[:2]
    return any(w.lower().replace("’", "'") in words for w in near)


def lint_text(text: str) -> Iterator[tuple[int, str, Rule]]:
    """Yield (offset, phrase, rule) for every pressuring phrase in the text, in order."""
    loaded, negation = rules()
    found = []
    for rule in loaded:
        for m in rule.pattern.finditer(text):
            words = negation.get(rule.lang, frozenset())
            if rule.negatable and _negated(text, m.start(), m.end(), words):
                continue
            found.append((m.start(), m.end(), rule))
    # One phrase, one finding: where rules overlap ("deadline" is English and German), the
    # earliest and longest match wins, and the first rule in the file among equals.
    last_end = 0
    for start, end, rule in sorted(found, key=lambda f: (f[0], -f[1])):
        if start >= last_end:
            last_end = end
            yield start, " ".join(text[start:end].split()), rule


def _first_line_of(value: str, source: str, after: int = 0) -> tuple[int, int]:
    """Return (offset in value, line in source) where the value's first real line sits."""
    first = next((line.strip() for line in value.splitlines() if line.strip()), "")
    where = source.find(first, after) if first else -1
    if where < 0:
        return 0, source.count("\n", 0, after) + 1
    return value.find(first), source.count("\n", 0, where) + 1


def lint_value(label: str, value: str, source: str, key: str = "") -> list[Finding]:
    """Lint a text that sits inside a source file (a TOML value or a whole Markdown file)."""
    if not value.strip():
        return []
    keyed = re.search(rf"^\s*{re.escape(key)}\s*=", source, re.MULTILINE) if key else None
    offset, line = _first_line_of(value, source, keyed.start() if keyed else 0)
    return [
        Finding(label, line + value.count("\n", offset, max(at, offset)), phrase, rule)
        for at, phrase, rule in lint_text(value)
    ]


def lint_campaign(campaign: Campaign, root: Path) -> list[Finding]:
    """Lint one campaign's title, summary, notice, terms and announcement text."""
    findings: list[Finding] = []
    toml = campaign.folder / CAMPAIGN_FILE
    source = toml.read_text("utf-8-sig") if toml.is_file() else ""
    label = display_path(toml, root)
    findings += lint_value(label, campaign.title, source, "title")
    findings += lint_value(label, campaign.summary, source, "summary")
    for name, text in (
        ("notice.md", campaign.notice_md),
        ("terms.md", campaign.terms_md),
        ("announcement.md", campaign.announcement_md),
    ):
        findings += lint_value(display_path(campaign.folder / name, root), text, text)
    return findings


def lint_site(site: SiteConfig, root: Path) -> list[Finding]:
    """Lint the notice notes of kitgen.toml."""
    path = root / SITE_FILE
    if not site.notice or not path.is_file():
        return []
    source = path.read_text("utf-8-sig")
    return [f for note in site.notice for f in lint_value(SITE_FILE, note.text, source)]


def lint_workspace(site: SiteConfig, campaigns: Sequence[Campaign], root: Path) -> list[Finding]:
    """Lint every text a workspace will show or send."""
    findings = lint_site(site, root)
    for campaign in campaigns:
        findings += lint_campaign(campaign, root)
    return findings
