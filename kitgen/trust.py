"""The checks every build runs on its rendered output before publishing it.

Two promises of the kit are checked on the result rather than trusted to templates: nothing
tracks (kitgen.scan), and every campaign and terms page carries the whole opt-in notice. A
workspace cannot switch either off; a theme that breaks one gets the same error as anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from kitgen import render, scan
from kitgen.config import SITE_FILE, Campaign
from kitgen.paths import display_path

# The notice's core points, as keys of [notice] in the theme's strings: always rendered.
CORE_POINTS = ("voluntary", "untracked", "personal", "non_staff", "disclosure", "revert")
NOTICE_MARKER = "data-kit-notice"
CAMPAIGN_FILES = ("campaign.toml", "notice.md", "terms.md", "announcement.md")


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
) -> tuple[dict[str, scan.Provenance], scan.Provenance, dict[Path, str]]:
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

    result: dict[str, scan.Provenance] = {}
    for name, file in render.static_files(themes).items():
        hashed = render.hashed_name(name, file.read_bytes())
        result[hashed] = scan.Provenance((file,), names[file], copied=True)

    def page(path: str) -> scan.Provenance:
        slug = path.split("/", 1)[0] if "/" in path else ""
        content = by_slug.get(slug, every_campaign)
        template = names.get(resolve_template(themes, _page_template(path)), "the theme")
        return scan.Provenance((*content, *site_file, *templates, *strings), f"template {template}")

    for slug in ("", *by_slug):
        for leaf in ("index.html", "terms/index.html"):
            path = f"{slug}/{leaf}" if slug else leaf
            result[path] = page(path)
    default = scan.Provenance(
        (*every_campaign, *site_file, *templates, *strings), "the theme's templates"
    )
    return result, default, names


def tracking_problems(
    out: Path,
    paths: Iterable[str],
    root: Path,
    themes: Sequence[Path],
    campaigns: Sequence[Campaign],
) -> list[str]:
    """Scan the built files for tracking; return one error line per finding."""
    findings = scan.scan_tree(out, list(paths))
    if not findings:
        return []
    where, default, names = provenance(root, themes, campaigns)
    return scan.report(findings, where, names, default)


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


def notice_points(strings: Mapping[str, Any], label: str) -> tuple[list[str], list[str]]:
    """Return the notice's core points from the theme strings, and problems with them."""
    notice = strings.get("notice", {})
    points, problems = [], []
    for key in CORE_POINTS:
        value = notice.get(key, "") if isinstance(notice, dict) else ""
        if not isinstance(value, str) or not value.strip():
            problems.append(
                f"{label}: notice.{key} must not be empty — the notice's core points always render"
            )
        else:
            points.append(_squash(value))
    return points, problems


def notice_problems(
    out: Path, pages: Mapping[str, str], points: Sequence[str], themes: Sequence[Path], root: Path
) -> list[str]:
    """Check each (page, template name) carries the marked notice with every core point."""
    names = source_names(root, themes)
    problems = []
    for page, template in sorted(pages.items()):
        parser = _Text()
        parser.feed((out / page).read_text("utf-8"))
        parser.close()
        text = _squash(" ".join(parser.parts))
        missing = [p for p in points if p not in text]
        if parser.marked and not missing:
            continue
        what = "has no opt-in notice block" if not parser.marked else "misses notice points"
        detail = "" if not missing or len(missing) == len(points) else f" ({missing[0]!r}…)"
        file = names.get(resolve_template(themes, template), template)
        problems.append(
            f"{page}: {what}{detail} — template {file} must render the notice"
            ' (`{{ notice(campaign) }}` from "_macros.html"), which cannot be left out'
        )
    return problems


def check_kit(
    out: Path,
    paths: Iterable[str],
    root: Path,
    themes: Sequence[Path],
    strings: Mapping[str, Any],
    campaigns: Sequence[Campaign],
) -> list[str]:
    """Run every output check on a built kit; return the problems, one line each."""
    points, problems = notice_points(strings, "theme strings [notice]")
    pages = {}
    for c in campaigns:
        pages[f"{c.slug}/index.html"] = "campaign.html"
        pages[f"{c.slug}/terms/index.html"] = "terms.html"
    if points:
        problems += notice_problems(out, pages, points, themes, root)
    return problems + tracking_problems(out, paths, root, themes, campaigns)
