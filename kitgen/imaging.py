"""Make exact-size images: pure geometry first, then one thin Pillow step per source.

The Pillow step works in the source's raw orientation and colour space and
only transposes and colour-converts the small results: both are far cheaper
on a 1584×396 banner than on a 6000-pixel photo.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from kitgen import cachefiles, colour, resample
from kitgen.encoding import best_encoding, smaller_encoding

Box = resample.Box

# Bump whenever a change to this module changes output bytes: it is part of every cache key.
PIPELINE_VERSION = "7"
# A circle crop keeps the focal point within this radius of the centre (fraction of the side).
CIRCLE_SAFE_RADIUS = 0.3
# How far an image may be enlarged before it is reported: beyond this it looks soft.
UPSCALE_WARN_FACTOR = 1.25
# Box-reduce the pyramid only while enough shrink is left for Lanczos: REDUCING_GAP after the
# first halving, DEEP_GAP after each further one, as box errors add up with every halving.
# Measured against one full-size linear-light Lanczos of every benchmark photo (benchmarks/,
# tests/test_sources.py): 1.5 and 2.5 keep every output above 46.5 dB PSNR; one gap of 1.5
# fell to 42.7 dB after three halvings, and one of 1.75 everywhere renders ~20 % slower.
REDUCING_GAP = 1.5
DEEP_GAP = 2.5
# JPEG draft scaling happens in the DCT, on gamma-encoded YCbCr, and costs another dB or so
# at the same gap: it keeps more shrink for the linear-light steps after it.
DRAFT_GAP = 2.0

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


# --- pure geometry -------------------------------------------------------


def oriented_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """Return the upright size of a raw image with this EXIF orientation."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def cover_box(
    src_w: float, src_h: float, dst_w: int, dst_h: int, focus: tuple[float, float]
) -> Box:
    """Return the largest box of the target's aspect, centred on focus, inside the source."""
    scale = min(src_w / dst_w, src_h / dst_h)
    box_w, box_h = dst_w * scale, dst_h * scale
    return _place(src_w, src_h, box_w, box_h, focus)


def _place(
    src_w: float, src_h: float, box_w: float, box_h: float, focus: tuple[float, float]
) -> Box:
    left = min(max(focus[0] * src_w - box_w / 2, 0.0), src_w - box_w)
    top = min(max(focus[1] * src_h - box_h / 2, 0.0), src_h - box_h)
    return (left, top, left + box_w, top + box_h)


def circle_box(
    src_w: float, src_h: float, dst_w: int, dst_h: int, focus: tuple[float, float]
) -> Box:
    """Return a cover box that keeps the focal point inside the visible circle.

    A plain cover crop is clamped at the source's edges, which can push an
    off-centre focal point out of a circular mask; zoom in just far enough.
    """
    box = cover_box(src_w, src_h, dst_w, dst_h, focus)
    for step in range(20):
        zoom = 1 - step * 0.04
        w, h = (box[2] - box[0]) * zoom, (box[3] - box[1]) * zoom
        candidate = _place(src_w, src_h, w, h, focus)
        if focus_offset(candidate, src_w, src_h, focus) <= CIRCLE_SAFE_RADIUS:
            return candidate
    return candidate


def focus_offset(box: Box, src_w: float, src_h: float, focus: tuple[float, float]) -> float:
    """Return how far the focal point lands from the output's centre, as a fraction of its side."""
    fx = (focus[0] * src_w - box[0]) / (box[2] - box[0])
    fy = (focus[1] * src_h - box[1]) / (box[3] - box[1])
    return math.hypot(fx - 0.5, fy - 0.5)


def contain_size(src_w: float, src_h: float, dst_w: int, dst_h: int) -> tuple[int, int]:
    """Return the size the whole source takes when fitted inside the target."""
    scale = min(dst_w / src_w, dst_h / src_h)
    return max(1, round(src_w * scale)), max(1, round(src_h * scale))


def upscale_factor(box: Box, dst_w: int) -> float:
    """Return how much the box is enlarged to fill the target (below 1: reduced)."""
    return dst_w / (box[2] - box[0])


def raw_point(
    x: float, y: float, orientation: int, raw_w: float, raw_h: float
) -> tuple[float, float]:
    """Map a point of the upright image to the raw (stored) image it was transposed from."""
    match orientation:
        case 2:
            return raw_w - x, y
        case 3:
            return raw_w - x, raw_h - y
        case 4:
            return x, raw_h - y
        case 5:
            return y, x
        case 6:
            return y, raw_h - x
        case 7:
            return raw_w - y, raw_h - x
        case 8:
            return raw_w - y, x
    return x, y


def raw_box(box: Box, orientation: int, raw_w: float, raw_h: float) -> Box:
    """Map a box in upright coordinates back to the raw (stored) image's coordinates."""
    ax, ay = raw_point(box[0], box[1], orientation, raw_w, raw_h)
    bx, by = raw_point(box[2], box[3], orientation, raw_w, raw_h)
    return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))


def scale_box(box: Box, scale: tuple[float, float], limit: tuple[int, int]) -> Box:
    """Scale a box to a reduced (drafted) image and keep it inside that image's bounds."""
    sx, sy = scale
    return (
        max(0.0, box[0] * sx),
        max(0.0, box[1] * sy),
        min(float(limit[0]), box[2] * sx),
        min(float(limit[1]), box[3] * sy),
    )


def pyramid_factor(shrink: float, gap: float | None = None) -> int:
    """Return the power of two to box-reduce by before a Lanczos resize that shrinks this much.

    The first halving must leave `gap` of shrink for Lanczos, and each further
    one DEEP_GAP, so Lanczos always sees several source pixels per output pixel.
    """
    first = REDUCING_GAP if gap is None else gap
    factor = 1
    while shrink / (factor * 2) >= (first if factor == 1 else DEEP_GAP):
        factor *= 2
    return factor


def draft_request(raw_w: int, raw_h: int, shrink: float) -> tuple[int, int] | None:
    """Return the size to ask JPEG draft mode for, or None when no shrink is possible."""
    factor = min(pyramid_factor(shrink, DRAFT_GAP), 8)  # libjpeg scales by 1/2, 1/4 or 1/8
    if factor == 1:
        return None
    return math.ceil(raw_w / factor), math.ceil(raw_h / factor)


# --- the Pillow step -----------------------------------------------------


@dataclass(frozen=True)
class RenderSpec:
    """One output to make from a source; box is in upright source pixels."""

    width: int
    height: int
    box: Box
    fit: str  # cover | contain
    background: str
    keep_alpha: bool
    format: str  # JPEG | PNG | WEBP (previews only); each has a branch in *_encoding
    max_bytes: int
    target: str  # file to write


def render_source(path: str, specs: Sequence[RenderSpec]) -> list[int]:
    """Decode one source once, write every spec's file, and return their sizes in bytes."""
    # Least shrink first: once the outputs that need the full-size decode are made, it is
    # dropped and the rest come from the smaller pyramid levels.
    order = sorted(range(len(specs)), key=lambda i: _shrink(specs[i], None))
    ordered = [specs[i] for i in order]
    # Several platforms share a size and crop, differing only in byte limit: the pixels
    # are made once, and the best encoding is reused wherever it fits the limit.
    last_use = {_encoding(spec): i for i, spec in enumerate(ordered)}
    best: dict[RenderSpec, bytes] = {}
    sizes = [0] * len(specs)
    for i, (spec, img) in enumerate(zip(ordered, render_images(path, ordered), strict=True)):
        encoding = _encoding(spec)
        if encoding not in best:
            best[encoding] = best_encoding(img, spec.format)
        data = best.pop(encoding) if last_use[encoding] == i else best[encoding]
        if len(data) > spec.max_bytes:
            data = smaller_encoding(img, spec.format, spec.max_bytes)
        cachefiles.write_atomically(Path(spec.target), data)
        sizes[order[i]] = len(data)
    return sizes


def _encoding(spec: RenderSpec) -> RenderSpec:
    """Return the part of a spec that decides the best encoding (not the file or byte limit)."""
    return replace(spec, max_bytes=0, target="")


def _pixels(spec: RenderSpec) -> RenderSpec:
    """Return the part of a spec that decides the pixels, whatever the file format."""
    # A preview's WebP and its JPEG fallback share pixels; so do platforms that differ
    # only in byte limit.
    return replace(_encoding(spec), format="", keep_alpha=_keeps_alpha(spec))


def _keeps_alpha(spec: RenderSpec) -> bool:
    return spec.keep_alpha and spec.format in ("PNG", "WEBP")


def render_images(path: str, specs: Sequence[RenderSpec]) -> Iterator[Image.Image]:
    """Decode one source once and yield each spec's finished image: upright, sRGB, exact size.

    The source is decoded at the smallest JPEG draft scale every spec allows,
    then box-reduced into a pyramid shared by all specs; each spec resizes
    (Lanczos, via `box=`) from the smallest level that still leaves it enough
    shrink (see pyramid_factor), in the raw orientation, and only then is the small
    result transposed and colour-converted. Both the pyramid and the resize
    average in linear light (see resample.py).
    """
    with Image.open(path) as img:
        orientation = exif_orientation(img)
        raw = img.size
        upright = oriented_size(raw[0], raw[1], orientation)
        shrink = min(_shrink(spec, upright) for spec in specs)
        request = draft_request(raw[0], raw[1], shrink)
        if img.format in ("JPEG", "MPO") and request:  # MPO: a camera JPEG with extra frames
            img.draft(img.mode, request)
        icc = img.info.get("icc_profile")
        base = _resizable(img)
        if orientation != 1 and exif_orientation(img) == 1:
            # The plugin turned the pixels upright while loading and dropped the tag (TIFF).
            orientation, raw = 1, upright
    convert = colour.to_srgb(base.mode, icc)
    decoded = base.size  # after draft mode: raw / 1, 2, 4 or 8
    scale = (decoded[0] / raw[0], decoded[1] / raw[1])
    factors = [_factor(spec, orientation, raw, upright, scale) for spec in specs]
    levels = {1: base}
    del base
    # Keep a finished image only until its last use: memory stays one source plus a few outputs.
    last_use = {_pixels(spec): i for i, spec in enumerate(specs)}
    made: dict[RenderSpec, Image.Image] = {}
    for i, spec in enumerate(specs):
        _drop_unused(levels, factors[i:])
        pixels = _pixels(spec)
        if pixels not in made:
            out = _render_one(levels, spec, factors[i], decoded, orientation, raw, upright)
            out = convert(out)
            if spec.fit == "contain":
                out = _pad(out, spec)
            out = _finish_alpha(out, spec)
            out.info.clear()  # the colour transform tags its result: outputs stay untagged
            made[pixels] = out
        yield made.pop(pixels) if last_use[pixels] == i else made[pixels]


def exif_orientation(img: Image.Image) -> int:
    """Return an opened image's EXIF orientation (1-8) from its header, decoding no pixels."""
    if img.format == "PNG":
        # Pillow's PNG getexif() decodes the whole image to look for an eXIf chunk after
        # the pixels; kitgen reads only one before them (where the PNG spec puts it), so
        # planning and rendering agree without a decode.
        raw = img.info.get("exif")
        exif = Image.Exif()
        if isinstance(raw, bytes):
            exif.load(raw)
    else:
        exif = img.getexif()
    value = exif.get(0x0112, 1)
    return value if value in _TRANSPOSE else 1


def _shrink(spec: RenderSpec, upright: tuple[int, int] | None) -> float:
    if spec.fit == "contain":
        if upright is None:  # only for ordering: a contain output is made from the whole image
            return math.inf
        return min(upright[0] / spec.width, upright[1] / spec.height)
    return min((spec.box[2] - spec.box[0]) / spec.width, (spec.box[3] - spec.box[1]) / spec.height)


def _resizable(img: Image.Image) -> Image.Image:
    """Bring any source mode to one that resizes correctly, keeping its colour space."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping at 255.
        grey = img.point(lambda v: v / 257).convert("L")
        return grey.convert("LA") if "transparency" in img.info else grey
    if img.mode == "1":
        return img.convert("L")
    if img.mode in ("P", "PA") or "transparency" in img.info:
        has_alpha = img.mode == "PA" or "transparency" in img.info
        if img.mode == "L" and has_alpha:
            return img.convert("LA")
        return img.convert("RGBA") if has_alpha else img.convert("RGB")
    if img.mode in ("RGB", "L", "CMYK", "RGBA", "LA"):
        img.load()
        return img
    return img.convert("RGBA" if img.mode in ALPHA_MODES else "RGB")


def _level(levels: dict[int, Image.Image], factor: int) -> Image.Image:
    """Return the pyramid level reduced by factor, making (and keeping) it on first use."""
    if factor not in levels:
        levels[factor] = resample.reduce(_level(levels, factor // 2), 2)
    return levels[factor]


def _drop_unused(levels: dict[int, Image.Image], needed: Sequence[int]) -> None:
    """Free the pyramid levels no remaining output needs, first making the smaller ones from them.

    Outputs come least-shrunk first, so the full-size decode is freed as soon as
    the big outputs are made, and never sits beside the whole pyramid.
    """
    wanted = set(needed)
    while unwanted := [f for f in levels if f not in wanted]:
        factor = min(unwanted)
        for deeper in sorted(f for f in wanted if f > factor):
            _level(levels, deeper)  # may make unwanted levels on the way: the loop frees them
        del levels[factor]


def _geometry(
    spec: RenderSpec,
    orientation: int,
    raw: tuple[int, int],
    upright: tuple[int, int],
    scale: tuple[float, float],
) -> tuple[tuple[int, int], Box]:
    """Return the raw-oriented output size and its box in the decoded (drafted) image."""
    if spec.fit == "contain":
        w, h = contain_size(upright[0], upright[1], spec.width, spec.height)
        box: Box = (0.0, 0.0, float(upright[0]), float(upright[1]))
    else:
        w, h, box = spec.width, spec.height, spec.box
    size = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
    decoded = (round(raw[0] * scale[0]), round(raw[1] * scale[1]))
    return size, scale_box(raw_box(box, orientation, raw[0], raw[1]), scale, decoded)


def _factor(
    spec: RenderSpec,
    orientation: int,
    raw: tuple[int, int],
    upright: tuple[int, int],
    scale: tuple[float, float],
) -> int:
    size, rb = _geometry(spec, orientation, raw, upright, scale)
    return pyramid_factor(min((rb[2] - rb[0]) / size[0], (rb[3] - rb[1]) / size[1]))


def _render_one(
    levels: dict[int, Image.Image],
    spec: RenderSpec,
    factor: int,
    decoded: tuple[int, int],
    orientation: int,
    raw: tuple[int, int],
    upright: tuple[int, int],
) -> Image.Image:
    level = _level(levels, factor)
    size, rb = _geometry(
        spec, orientation, raw, upright, (decoded[0] / raw[0], decoded[1] / raw[1])
    )
    lb = scale_box(rb, (level.width / decoded[0], level.height / decoded[1]), level.size)
    resized = resample.resize(level, size, lb)
    if orientation != 1:
        resized = resized.transpose(_TRANSPOSE[orientation])
    return resized


def _pad(img: Image.Image, spec: RenderSpec) -> Image.Image:
    mode = "RGBA" if img.mode == "RGBA" or spec.keep_alpha else "RGB"
    canvas = Image.new(mode, (spec.width, spec.height), _colour(spec.background, mode, True))
    offset = ((spec.width - img.width) // 2, (spec.height - img.height) // 2)
    canvas.paste(img.convert(mode), offset)
    return canvas


def _colour(hex_colour: str, mode: str, transparent: bool = False) -> tuple[int, ...]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    if mode == "RGBA":
        return (r, g, b, 0 if transparent else 255)
    return (r, g, b)


def _finish_alpha(img: Image.Image, spec: RenderSpec) -> Image.Image:
    if img.mode != "RGBA":
        return img
    if _keeps_alpha(spec):
        return img
    canvas = Image.new("RGB", img.size, _colour(spec.background, "RGB"))
    canvas.paste(img, mask=img.getchannel("A"))
    return canvas
