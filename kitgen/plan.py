"""Plan every output of a build in memory before anything is written.

The manifest, the cache keys, the zip contents and the pages all fall out of
this plan, so they cannot disagree with each other.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from kitgen import imaging
from kitgen.config import Artwork, Campaign
from kitgen.errors import ContentError
from kitgen.paths import display_path, slugify
from kitgen.platforms import FRAME_SOURCE_SLOT, Platform, Slot
from kitgen.sources import Source

MEDIA_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
# Page previews: CSS width each kind is shown at, ×2 for sharp phone screens, so a page of
# ten platforms stays small. Previews are not downloads: never in zips or manifest assets.
PREVIEW_WIDTH = {"profile": 256, "frame": 256, "cover": 800, "background": 640, "signature": 600}
PREVIEW_MAX_BYTES = 250_000


@dataclass(frozen=True)
class Asset:
    """One downloadable image: where it goes, what it is, and how to make it."""

    path: str  # relative to the output root
    campaign: str
    platform: str
    slot: str
    width: int
    height: int
    media_type: str
    source: Source
    artwork: Artwork
    spec: imaging.RenderSpec
    key: str  # cache key: source bytes + every setting + pipeline version
    upscale: float


@dataclass(frozen=True)
class Preview:
    """A small page image of one asset: a WebP and a JPEG (or PNG) fallback of it."""

    path: str  # relative to the output root
    of: str  # the path of the asset it shows
    width: int
    height: int
    media_type: str
    source: Source
    spec: imaging.RenderSpec
    key: str


@dataclass(frozen=True)
class CampaignPlan:
    campaign: Campaign
    assets: tuple[Asset, ...]
    previews: tuple[Preview, ...] = ()

    @property
    def zip_path(self) -> str:
        return f"{self.campaign.slug}/{self.campaign.slug}.zip"

    @property
    def platform_zips(self) -> dict[str, str]:
        """Return each platform's zip path, for platforms with more than one download."""
        counts = Counter(a.platform for a in self.assets)
        return {
            platform: f"{self.campaign.slug}/{self.campaign.slug}-{platform}.zip"
            for platform, count in counts.items()
            if count > 1  # a zip of a single image only adds a step
        }


def plan_campaign(
    campaign: Campaign,
    platforms: Mapping[str, Platform],
    sources: Mapping[Path, Source],
) -> CampaignPlan:
    """Return every asset of a campaign: each artwork × each matching slot of each platform."""
    assets: list[Asset] = []
    for platform_id in campaign.platforms:
        platform = platforms[platform_id]
        for artwork in campaign.artwork:
            for kind in artwork.slots:
                slot = platform.slot(FRAME_SOURCE_SLOT if kind == "frame" else kind)
                if slot is None:
                    continue
                assets.append(
                    _asset(campaign, platform, slot, kind, artwork, sources[artwork.path])
                )
    _refuse_collisions(campaign, assets)
    previews = tuple(p for a in assets for p in plan_previews(a))
    return CampaignPlan(campaign, tuple(assets), previews)


def plan_previews(asset: Asset) -> tuple[Preview, ...]:
    """Return the WebP preview of an asset and its fallback (PNG when it keeps alpha)."""
    width = min(PREVIEW_WIDTH[asset.slot], asset.width)
    height = max(1, round(asset.height * width / asset.width))
    fallback = "PNG" if asset.spec.keep_alpha else "JPEG"
    specs = [
        replace(asset.spec, width=width, height=height, format=fmt, max_bytes=PREVIEW_MAX_BYTES)
        for fmt in ("WEBP", fallback)
    ]
    # Named by content, not by platform: a badge looks the same in ten platforms' previews,
    # so the page shares one file and the browser fetches it once.
    stem = slugify(PurePosixPath(asset.artwork.file).stem) or "artwork"
    name = f"{stem}-{asset.slot}-{width}x{height}-{cache_key(asset.source, specs[0])[:10]}"
    previews = []
    for spec in specs:
        media_type, ext = MEDIA_TYPES[spec.format]
        previews.append(
            Preview(
                path=f"{asset.campaign}/previews/{name}.{ext}",
                of=asset.path,
                width=width,
                height=height,
                media_type=media_type,
                source=asset.source,
                spec=spec,
                key=cache_key(asset.source, spec),
            )
        )
    return tuple(previews)


def _asset(
    campaign: Campaign, platform: Platform, slot: Slot, kind: str, artwork: Artwork, source: Source
) -> Asset:
    keep_alpha = kind == "frame" or (source.has_alpha and "png" in slot.formats)
    fmt = "PNG" if keep_alpha else "JPEG"
    media_type, ext = MEDIA_TYPES[fmt]
    box = _box(source, slot, artwork)
    stem = slugify(PurePosixPath(artwork.file).stem) or "artwork"
    name = f"{stem}-{kind}-{slot.width}x{slot.height}.{ext}"
    spec = imaging.RenderSpec(
        width=slot.width,
        height=slot.height,
        box=box,
        fit=artwork.fit,
        background=artwork.background,
        keep_alpha=keep_alpha,
        format=fmt,
        max_bytes=slot.max_bytes,
        target="",
    )
    upscale = (
        slot.width / imaging.contain_size(source.width, source.height, slot.width, slot.height)[0]
        if artwork.fit == "contain"
        else imaging.upscale_factor(box, slot.width)
    )
    return Asset(
        path=f"{campaign.slug}/{platform.id}/{name}",
        campaign=campaign.slug,
        platform=platform.id,
        slot=kind,
        width=slot.width,
        height=slot.height,
        media_type=media_type,
        source=source,
        artwork=artwork,
        spec=spec,
        key=cache_key(source, spec),
        upscale=upscale,
    )


def _box(source: Source, slot: Slot, artwork: Artwork) -> imaging.Box:
    geometry = imaging.circle_box if slot.shape == "circle" else imaging.cover_box
    return geometry(source.width, source.height, slot.width, slot.height, artwork.focus)


def cache_key(source: Source, spec: imaging.RenderSpec) -> str:
    """Return a key that changes whenever anything that shapes the output bytes changes."""
    settings = {
        "pipeline": imaging.PIPELINE_VERSION,
        "source": source.sha256,
        "size": [spec.width, spec.height],
        "box": [round(v, 3) for v in spec.box],
        "fit": spec.fit,
        "background": spec.background,
        "keep_alpha": spec.keep_alpha,
        "format": spec.format,
        "max_bytes": spec.max_bytes,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _refuse_collisions(campaign: Campaign, assets: Sequence[Asset]) -> None:
    seen: dict[str, Asset] = {}
    problems = []
    for asset in assets:
        other = seen.setdefault(asset.path, asset)
        if other is not asset:
            problems.append(
                f"{display_path(campaign.folder, campaign.folder.parent.parent)}/campaign.toml:"
                f" {other.artwork.file!r} and {asset.artwork.file!r} would both produce"
                f" {asset.path} — rename one of them"
            )
    if problems:
        raise ContentError(sorted(set(problems)))


def upscale_warnings(plans: Sequence[CampaignPlan]) -> list[str]:
    """Name each asset that is enlarged beyond the warning factor."""
    return [
        f"{a.source.label}: enlarged {a.upscale:.1f}× for {a.platform} {a.slot}"
        f" ({a.width}×{a.height}) — it may look soft; supply a larger original"
        for plan in plans
        for a in plan.assets
        if a.upscale > imaging.UPSCALE_WARN_FACTOR
    ]
