"""Render the kit's pages: the Jinja environment, Markdown, and each template's context."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3

import kitgen
from kitgen.config import SiteConfig
from kitgen.errors import KitgenError
from kitgen.plan import Asset, CampaignPlan
from kitgen.platforms import Platform

GENERATOR = f"kitgen {kitgen.__version__}"
# Markdown may use these tags and nothing else; links get rel added by nh3.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip


def default_theme_dir() -> Path:
    """Return the built-in theme: inside the installed package, else the repository's."""
    packaged = Path(str(resources.files("kitgen"))) / "themes" / "default"
    if packaged.is_dir():
        return packaged
    return Path(kitgen.__file__).resolve().parent.parent / "themes" / "default"


def theme_dirs(root: Path, site: SiteConfig) -> list[Path]:
    """Return the theme folders to search, the workspace's first, the default last."""
    default = default_theme_dir()
    if site.theme in ("", "default"):
        custom = root / "themes" / "default"
        return [custom, default] if custom.is_dir() and custom.resolve() != default else [default]
    custom = root / "themes" / site.theme
    if not custom.is_dir():
        raise KitgenError(
            f"kitgen.toml: theme {site.theme!r} not found — create themes/{site.theme}/"
        )
    return [custom, default]


def make_environment(themes: Sequence[Path]) -> jinja2.Environment:
    """Build the Jinja environment: first theme wins; `default/` names the built-in one."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(t / "templates") for t in themes]),
            jinja2.PrefixLoader(
                {"default": jinja2.FileSystemLoader(str(themes[-1] / "templates"))}
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["filesize"] = filesize
    env.filters["markdown"] = render_markdown
    return env


def load_strings(themes: Sequence[Path], language: str) -> dict[str, Any]:
    """Return the theme's user-facing strings in the language, English filling any gap."""
    merged: dict[str, Any] = {}
    for lang in ("en", language):
        for theme in reversed(themes):
            path = theme / "strings" / f"{lang}.toml"
            if path.is_file():
                _deep_merge(merged, tomllib.loads(path.read_text("utf-8")))
    return merged


def _deep_merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


def render_markdown(text: str) -> str:
    """Render Markdown to HTML that keeps only safe tags and attributes."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return str(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}, "abbr": {"title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )


def filesize(size: int) -> str:
    """Format a byte count the way people read it: 181 KB, 1.2 MB."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


# --- what the templates receive ------------------------------------------


@dataclass(frozen=True)
class AssetView:
    href: str  # relative to the page
    platform: str
    slot: str
    label: str
    width: int
    height: int
    bytes: int
    format: str
    alt: str


@dataclass(frozen=True)
class PlatformView:
    id: str
    name: str
    assets: tuple[AssetView, ...]


@dataclass(frozen=True)
class CampaignView:
    slug: str
    title: str
    summary_html: str
    notice_html: str
    terms_html: str
    starts: dt.date | None
    ends: dt.date | None
    status: str  # current | upcoming | ended
    platforms: tuple[PlatformView, ...]
    preview: AssetView | None
    zip_href: str
    zip_bytes: int
    page_href: str
    terms_href: str


def campaign_view(
    plan: CampaignPlan,
    platforms: Mapping[str, Platform],
    sizes: Mapping[str, int],
    today: dt.date,
    prefix: str,
) -> CampaignView:
    """Describe one campaign for templates; hrefs are relative to a page at `prefix`."""
    c = plan.campaign
    labels = {(p.id, s.slot): s.label for p in platforms.values() for s in p.slots}

    def view(a: Asset) -> AssetView:
        label = labels.get((a.platform, a.slot), a.slot.title())
        return AssetView(
            href=prefix + a.path,
            platform=a.platform,
            slot=a.slot,
            label=label,
            width=a.width,
            height=a.height,
            bytes=sizes[a.path],
            format=a.media_type.split("/")[1].upper(),
            alt=a.artwork.alt,
        )

    platform_views = tuple(
        PlatformView(
            pid, platforms[pid].name, tuple(view(a) for a in plan.assets if a.platform == pid)
        )
        for pid in c.platforms
        if any(a.platform == pid for a in plan.assets)
    )
    return CampaignView(
        slug=c.slug,
        title=c.title,
        summary_html=render_markdown(c.summary),
        notice_html=render_markdown(c.notice_md),
        terms_html=render_markdown(c.terms_md),
        starts=c.starts,
        ends=c.ends,
        status=c.status(today),
        platforms=platform_views,
        preview=_preview(plan, view),
        zip_href=prefix + plan.zip_path,
        zip_bytes=sizes.get(plan.zip_path, 0),
        page_href=f"{prefix}{c.slug}/index.html",
        terms_href=f"{prefix}{c.slug}/terms/index.html",
    )


def _preview(plan: CampaignPlan, view: Callable[[Asset], AssetView]) -> AssetView | None:
    """Pick the widest cover-like image to represent the campaign in lists."""
    ranked = sorted(
        (a for a in plan.assets if a.slot in ("cover", "background", "signature")),
        key=lambda a: (a.width <= 1600, -a.width),  # prefer a banner near 1600 px wide
    )
    ranked = ranked or list(plan.assets)
    return view(ranked[0]) if ranked else None


@dataclass(frozen=True)
class Page:
    path: str  # relative to the output root
    template: str
    context: dict[str, Any]


def hashed_name(relative: str, data: bytes) -> str:
    """Return `assets/<name>.<hash>.<ext>` so a changed file gets a new, cacheable URL."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, ext = relative.rpartition(".")
    return f"assets/{stem}.{digest}.{ext}" if dot else f"assets/{relative}.{digest}"


def static_files(themes: Sequence[Path]) -> dict[str, Path]:
    """Return each theme static file by relative name; the first theme that has it wins."""
    found: dict[str, Path] = {}
    for theme in themes:
        static = theme / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                found.setdefault(path.relative_to(static).as_posix(), path)
    return found


def depth_prefix(page_path: str) -> str:
    """Return the `../` prefix that leads from a page back to the output root."""
    return "../" * page_path.count("/")


def render_pages(
    env: jinja2.Environment,
    pages: Sequence[Page],
    common: Mapping[str, Any],
    assets: Mapping[str, str],
) -> dict[str, bytes]:
    """Render each page with the common context plus its own; return bytes by output path."""
    out = {}
    for page in pages:
        prefix = depth_prefix(page.path)

        def asset(name: str, prefix: str = prefix) -> str:
            if name not in assets:
                raise KitgenError(f"theme: static file {name!r} not found in the theme's static/")
            return prefix + assets[name]

        context = {**common, **page.context, "root": prefix, "asset": asset}
        try:
            html = env.get_template(page.template).render(context)
        except jinja2.TemplateError as exc:
            where = (
                f"{exc.filename}:{exc.lineno}"
                if isinstance(exc, jinja2.TemplateSyntaxError)
                else page.template
            )
            raise KitgenError(f"theme template {where}: {exc.message}") from None
        out[page.path] = html.encode("utf-8")
    return out
