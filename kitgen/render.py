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
from kitgen import paths
from kitgen.config import SiteConfig
from kitgen.errors import KitgenError
from kitgen.guides import Guide, builtin_guides
from kitgen.paths import display_path, is_inside
from kitgen.plan import Asset, CampaignPlan, Preview
from kitgen.platforms import FRAME_SOURCE_SLOT, Platform, Rect, Slot

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


def make_environment(themes: Sequence[Path], *, compiled: Path | None = None) -> jinja2.Environment:
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
        # Compiling the templates is most of a text-only rebuild's page time (about 25 of 30 ms
        # for the sample kit); Jinja checks each template's source checksum, so stale
        # entries are never used.
        bytecode_cache=_bytecode_cache(compiled) if compiled else None,
    )
    env.filters["filesize"] = filesize
    env.filters["markdown"] = render_markdown
    return env


def _bytecode_cache(folder: Path) -> jinja2.FileSystemBytecodeCache:
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


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
# docs/themes.md describes these for theme authors: keep the two in step.


@dataclass(frozen=True)
class PreviewView:
    """A small page image of a download: a WebP with a JPEG (or PNG) fallback."""

    webp: str  # href, relative to the page
    src: str  # href of the fallback
    src_type: str  # media type of the fallback
    width: int
    height: int


@dataclass(frozen=True)
class AssetView:
    href: str  # relative to the page
    filename: str
    platform: str
    slot: str
    label: str  # in the page's language
    width: int
    height: int
    bytes: int
    format: str
    alt: str
    shape: str  # how the platform shows it: circle | rounded | rect
    thumb: PreviewView | None
    max_bytes: int = 0  # the platform's upload limit for this kind of image
    formats: tuple[str, ...] = ()  # the file types it accepts: jpg, png, ...


@dataclass(frozen=True)
class SafeAreaView:
    """An overlay for a wide image: what stays visible, and what the platform covers."""

    width: int  # the image's pixel size: the overlay's viewBox
    height: int
    safe: Rect | None
    keep_out: tuple[Rect, ...]
    outside: str  # SVG path of everything outside the safe area (dimmed), or ""


@dataclass(frozen=True)
class PlatformView:
    id: str
    name: str
    assets: tuple[AssetView, ...]
    guide: Guide
    profile: AssetView | None  # the picture the preview shows
    wide: AssetView | None  # the cover, call background or signature banner it shows
    frame: AssetView | None
    safe_area: SafeAreaView | None
    zip_href: str
    zip_bytes: int


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
    page_dir: str,
    guides: Mapping[str, Guide] | None = None,
    slot_names: Mapping[str, str] | None = None,
) -> CampaignView:
    """Describe one campaign for templates; hrefs are relative to a page in `page_dir`."""

    def href(path: str) -> str:
        return paths.href(path, page_dir)

    c = plan.campaign
    guides = guides if guides is not None else builtin_guides("en")
    slots = {(p.id, s.slot): s for p in platforms.values() for s in p.slots}
    previews: dict[str, dict[str, Preview]] = {}
    for preview in plan.previews:
        previews.setdefault(preview.of, {})[preview.media_type] = preview

    def view(a: Asset) -> AssetView:
        slot = slots.get((a.platform, FRAME_SOURCE_SLOT if a.slot == "frame" else a.slot))
        label = slot_names.get(a.slot) if slot_names else None
        return AssetView(
            href=href(a.path),
            filename=a.path.rpartition("/")[2],
            platform=a.platform,
            slot=a.slot,
            label=label or (slot.label if slot else a.slot.title()),
            width=a.width,
            height=a.height,
            bytes=sizes[a.path],
            format=a.media_type.split("/")[1].upper(),
            alt=a.artwork.alt,
            shape=slot.shape if slot else "rect",
            thumb=_thumb(previews.get(a.path, {}), href),
            max_bytes=slot.max_bytes if slot else 0,
            formats=slot.formats if slot else (),
        )

    platform_views = tuple(
        _platform_view(
            platforms[pid],
            tuple(view(a) for a in plan.assets if a.platform == pid),
            guides[pid],
            href(plan.platform_zips[pid]) if pid in plan.platform_zips else "",
            sizes.get(plan.platform_zips.get(pid, ""), 0),
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
        zip_href=href(plan.zip_path),
        zip_bytes=sizes.get(plan.zip_path, 0),
        page_href=href(f"{c.slug}/index.html"),
        terms_href=href(f"{c.slug}/terms/index.html"),
    )


def _thumb(by_type: Mapping[str, Preview], href: Callable[[str], str]) -> PreviewView | None:
    webp = by_type.get("image/webp")
    fallback = next((p for t, p in sorted(by_type.items()) if t != "image/webp"), None)
    if webp is None or fallback is None:
        return None
    return PreviewView(
        href(webp.path), href(fallback.path), fallback.media_type, webp.width, webp.height
    )


def _platform_view(
    platform: Platform,
    assets: tuple[AssetView, ...],
    guide: Guide,
    zip_href: str,
    zip_bytes: int,
) -> PlatformView:
    def first(*kinds: str) -> AssetView | None:
        return next((a for kind in kinds for a in assets if a.slot == kind), None)

    wide = first("cover", "background", "signature")
    slot = platform.slot(wide.slot) if wide else None
    return PlatformView(
        id=platform.id,
        name=guide.name or platform.name,
        assets=assets,
        guide=guide,
        profile=first("profile"),
        wide=wide,
        frame=first("frame"),
        safe_area=safe_area_view(slot) if slot else None,
        zip_href=zip_href,
        zip_bytes=zip_bytes,
    )


def safe_area_view(slot: Slot) -> SafeAreaView | None:
    """Describe a slot's researched safe area and keep-out zones, or None when it has none."""
    if slot.safe_area is None and not slot.keep_out:
        return None
    outside = ""
    if slot.safe_area:
        r = slot.safe_area
        # Even-odd fill: the whole image minus the safe rectangle.
        outside = (
            f"M0 0H{slot.width}V{slot.height}H0Z"
            f"M{r.x} {r.y}V{r.y + r.height}H{r.x + r.width}V{r.y}Z"
        )
    return SafeAreaView(slot.width, slot.height, slot.safe_area, slot.keep_out, outside)


def _preview(plan: CampaignPlan, view: Callable[[Asset], AssetView]) -> AssetView | None:
    """Pick the widest cover-like image to represent the campaign in lists."""
    kinds = ("cover", "background", "signature")
    ranked = sorted(
        (a for a in plan.assets if a.slot in kinds),
        # Prefer a banner, and of those one near 1600 px wide: it crops well to a card.
        key=lambda a: (kinds.index(a.slot), abs(a.width - 1600)),
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
            if not path.is_file() or path.name.startswith("."):
                continue
            # Everything here is published: a symlink must not carry in a file from elsewhere.
            if not is_inside(path, theme):
                raise KitgenError(
                    f"{display_path(path, theme.parent.parent)}: leads outside the theme"
                    " (symlink?) — copy the file into the theme instead"
                )
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

        context = {
            **common,
            **page.context,
            "root": prefix,
            "page_path": page.path,
            "asset": asset,
        }
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
