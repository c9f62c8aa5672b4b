"""The checks every build runs on its rendered output before publishing it.

Two promises of the kit are checked on the result rather than trusted to templates: nothing
tracks (kitgen.scan), and every campaign and terms page carries the whole opt-in notice. A
workspace cannot switch either off; a theme that breaks one gets the same error as anyone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kitgen import render, scan
from kitgen.config import SITE_FILE, Campaign
from kitgen.memo import Passed
from kitgen.paths import display_path

# The notice's core points, as keys of [notice] in the theme's strings: always rendered. A page
# may use a point's `<key>_elsewhere` wording instead (the terms page points to the kit page).
CORE_POINTS = ("voluntary", "untracked", "personal", "non_staff", "disclosure", "revert")
NOTICE_MARKER = "data-kit-notice"
CAMPAIGN_FILES = ("campaign.toml", "notice.md", "terms.md", "announcement.md")


@dataclass(frozen=True)
class Provenance:
    """Where an output file's content may have come from, most specific first."""

    candidates: tuple[Path, ...]
    fallback: str  # named when the evidence is found in none of the candidates
    copied: bool = False  # the output is a byte copy of the one candidate: same line numbers


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return
    yield from enumerate(text.splitlines(), start=1)


def origin(finding: scan.Finding, provenance: Provenance, name: Mapping[Path, str]) -> str:
    """Name the source file (and line) the finding's evidence came from."""
    if provenance.copied:
        return f"{provenance.fallback}:{finding.line}"
    needles = [finding.evidence, finding.evidence.split("?")[0]]
    for needle in dict.fromkeys(n for n in needles if len(n) >= 3):
        for candidate in provenance.candidates:
            for number, line in _lines(candidate):
                if needle in line:
                    return f"{name.get(candidate, candidate.as_posix())}:{number}"
    return provenance.fallback


def report(
    findings: Sequence[scan.Finding],
    provenance: Mapping[str, Provenance],
    name: Mapping[Path, str],
    default: Provenance,
) -> list[str]:
    """Turn findings into the build's error lines: `<file>:<line>: <problem> (from <origin>)`.

    One template mistake shows on every page: it is reported once, with a count of the others.
    """
    grouped: dict[tuple[str, str], list[scan.Finding]] = {}
    for f in findings:
        source = origin(f, provenance.get(f.path, default), name)
        grouped.setdefault((f.problem, source), []).append(f)
    lines = []
    for (problem, source), group in grouped.items():
        first, others = group[0], len({f.path for f in group} - {group[0].path})
        also = f"; also in {others} other file{'s' * (others != 1)}" if others else ""
        lines.append(f"{first.path}:{first.line}: {problem} (from {source}{also})")
    return lines


def source_names(root: Path, themes: Sequence[Path]) -> dict[Path, str]:
    """Name every theme file the way a person finds it: workspace-relative, or built-in."""
    names: dict[Path, str] = {}
    for theme in themes:
        for path in sorted(theme.rglob("*")):
            if not path.is_file():
                continue
            if path.resolve().is_relative_to(root.resolve()):
                names[path] = display_path(path, root)
            else:
                names[path] = f"kitgen's built-in theme {path.relative_to(theme).as_posix()}"
    return names


def _template_files(themes: Sequence[Path]) -> list[Path]:
    return [p for t in themes for p in sorted((t / "templates").rglob("*")) if p.is_file()]


def _strings_files(themes: Sequence[Path]) -> list[Path]:
    return [p for t in themes for p in sorted((t / "strings").glob("*.toml"))]


def resolve_template(themes: Sequence[Path], name: str) -> Path:
    """Return the file the theme chain uses for a template name (first theme that has it)."""
    for theme in themes:
        if (theme / "templates" / name).is_file():
            return theme / "templates" / name
    return themes[-1] / "templates" / name


def _page_template(path: str) -> str:
    if "/" not in path:
        return "index.html"
    return "terms.html" if "/terms/" in path else "campaign.html"


def provenance(
    root: Path, themes: Sequence[Path], campaigns: Sequence[Campaign]
) -> tuple[dict[str, Provenance], Provenance, dict[Path, str]]:
    """Map output files to the sources that may have fed them; return also a default and names."""
    names = source_names(root, themes)
    templates = _template_files(themes)
    strings = _strings_files(themes)
    site_file = [root / SITE_FILE] if (root / SITE_FILE).is_file() else []
    by_slug = {
        c.slug: [c.folder / f for f in CAMPAIGN_FILES if (c.folder / f).is_file()]
        for c in campaigns
    }
    for files in by_slug.values():
        names.update({f: display_path(f, root) for f in files})
    names.update({f: display_path(f, root) for f in site_file})
    every_campaign = [f for files in by_slug.values() for f in files]

    result: dict[str, Provenance] = {}
    for name, file in render.static_files(themes).items():
        hashed = render.hashed_name(name, file.read_bytes())
        result[hashed] = Provenance((file,), names[file], copied=True)

    def page(path: str) -> Provenance:
        slug = path.split("/", 1)[0] if "/" in path else ""
        content = by_slug.get(slug, every_campaign)
        template = names.get(resolve_template(themes, _page_template(path)), "the theme")
        return Provenance((*content, *site_file, *templates, *strings), f"template {template}")

    for slug in ("", *by_slug):
        for leaf in ("index.html", "terms/index.html"):
            path = f"{slug}/{leaf}" if slug else leaf
            result[path] = page(path)
    default = Provenance(
        (*every_campaign, *site_file, *templates, *strings), "the theme's templates"
    )
    return result, default, names


def tracking_problems(
    out: Path,
    digests: Mapping[str, str],
    root: Path,
    themes: Sequence[Path],
    campaigns: Sequence[Campaign],
    cache: Path,
) -> list[str]:
    """Scan the built files for tracking; return one error line per finding."""
    findings = scan.scan_tree(out, digests, scan.scan_memo(cache))
    if not findings:
        return []
    where, default, names = provenance(root, themes, campaigns)
    return report(findings, where, names, default)


class _Text(HTMLParser):
    """Collect a page's visible text and whether it has the notice marker."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.marked = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.marked = self.marked or any(k == NOTICE_MARKER for k, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def notice_points(
    strings: Mapping[str, Any], label: str
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Return each core point's accepted wordings from the theme strings, and problems."""
    notice = strings.get("notice", {})
    notice = notice if isinstance(notice, dict) else {}
    points: list[tuple[str, ...]] = []
    problems = []
    for key in CORE_POINTS:
        value = notice.get(key, "")
        if not isinstance(value, str) or not value.strip():
            problems.append(
                f"{label}: notice.{key} must not be empty — the notice's core points always render"
            )
            continue
        other = notice.get(f"{key}_elsewhere", "")
        extra = (_squash(other),) if isinstance(other, str) and other.strip() else ()
        points.append((_squash(value), *extra))
    return points, problems


def notice_problems(
    out: Path,
    pages: Mapping[str, str],
    points: Sequence[tuple[str, ...]],
    themes: Sequence[Path],
    root: Path,
    digests: Mapping[str, str],
    passed: Passed,
) -> list[str]:
    """Check each (page, template name) carries the marked notice with every core point.

    Page contents in `passed` (by SHA-256) passed before and are skipped; new passes are added.
    """
    problems = []
    for page, template in sorted(pages.items()):
        if digests[page] in passed:
            continue
        parser = _Text()
        parser.feed((out / page).read_text("utf-8"))
        parser.close()
        text = _squash(" ".join(parser.parts))
        missing = [p[0] for p in points if not any(wording in text for wording in p)]
        if parser.marked and not missing:
            passed.add(digests[page])
            continue
        what = "has no opt-in notice block" if not parser.marked else "misses notice points"
        detail = "" if not missing or len(missing) == len(points) else f" ({missing[0]!r}…)"
        file = source_names(root, themes).get(resolve_template(themes, template), template)
        problems.append(
            f"{page}: {what}{detail} — template {file} must render the notice"
            ' (`{{ notice(campaign) }}` from "_macros.html"), which cannot be left out'
        )
    return problems


def check_kit(
    out: Path,
    digests: Mapping[str, str],
    root: Path,
    themes: Sequence[Path],
    strings: Mapping[str, Any],
    campaigns: Sequence[Campaign],
    cache: Path,
) -> list[str]:
    """Run every output check on a built kit (path → SHA-256); return the problems, one each.

    Page contents that passed the same checks before are remembered in the cache and skipped.
    """
    points, problems = notice_points(strings, "theme strings [notice]")
    pages = {}
    for c in campaigns:
        pages[f"{c.slug}/index.html"] = "campaign.html"
        pages[f"{c.slug}/terms/index.html"] = "terms.html"
    if points:
        memo = Passed(cache, "notice", [Path(__file__).read_bytes(), repr(points).encode()])
        problems += notice_problems(out, pages, points, themes, root, digests, memo)
    return problems + tracking_problems(out, digests, root, themes, campaigns, cache)
