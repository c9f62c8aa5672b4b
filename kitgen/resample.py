"""Resize and box-reduce in linear light, a strip at a time.

Averaging sRGB-encoded values is averaging the wrong numbers: a one-pixel white
line on a dark banner comes out dimmer than it should, and black hairlines on
white come out heavier. So each strip is decoded to linear light (the sRGB
curve, close enough for the wide-gamut sources too) as 32-bit float, averaged
there, alpha-premultiplied where there is alpha, and encoded back to 8 bits
through a 16-bit table. Working in strips keeps the floats a few megabytes
however large the source is; the result is that of one whole-image resize (to
within a code, from float rounding), because each strip carries the rows the
filter reaches beyond it.

CMYK is resized as it is: ink values have no single light curve to undo.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import cache

from PIL import Image, ImageMath

Box = tuple[float, float, float, float]

LINEAR_MODES = ("L", "LA", "RGB", "RGBA")
# Source pixels per strip: four megabytes per float band, however wide the image. Fewer,
# larger strips cost less per call; smaller ones less memory.
STRIP_PIXELS = 1 << 20
# Lanczos reaches three source pixels either side of an output pixel's centre, scaled by
# the shrink; one more row absorbs rounding at the strip's edge.
LANCZOS_SUPPORT = 3
# Below this alpha a pixel is treated as fully clear when un-premultiplying.
CLEAR_ALPHA = 1e-6
# Light is held from 0 to this, so that float to integer keeps 16 bits for the way back.
_TOP = 65535


def resize(
    img: Image.Image, size: tuple[int, int], box: Box, *, strip_pixels: int = STRIP_PIXELS
) -> Image.Image:
    """Return box of img resized to size with Lanczos, averaged in linear light."""
    if img.mode not in LINEAR_MODES:
        return img.resize(size, Image.Resampling.LANCZOS, box=box)
    width, height = size
    scale_x, scale_y = (box[2] - box[0]) / width, (box[3] - box[1]) / height
    reach_x = math.ceil(LANCZOS_SUPPORT * max(scale_x, 1.0)) + 1
    reach_y = math.ceil(LANCZOS_SUPPORT * max(scale_y, 1.0)) + 1
    left = max(0, math.floor(box[0]) - reach_x)
    right = min(img.width, math.ceil(box[2]) + reach_x)
    rows = max(1, math.floor(strip_pixels / ((right - left) * scale_y)))
    out = Image.new(img.mode, size)
    for first in range(0, height, rows):
        last = min(height, first + rows)
        strip_top, strip_bottom = box[1] + first * scale_y, box[1] + last * scale_y
        top = max(0, math.floor(strip_top) - reach_y)
        bottom = min(img.height, math.ceil(strip_bottom) + reach_y)
        strip = img.crop((left, top, right, bottom))
        local = (box[0] - left, strip_top - top, box[2] - left, strip_bottom - top)
        bands = [
            band.resize((width, last - first), Image.Resampling.LANCZOS, box=local)
            for band in _to_linear(strip)
        ]
        out.paste(_from_linear(bands, img.mode), (0, first))
    return out


def reduce(img: Image.Image, factor: int) -> Image.Image:
    """Return img shrunk by an integer factor: each pixel the mean of its block, in linear light."""
    if img.mode not in LINEAR_MODES:
        return img.reduce(factor)
    out = Image.new(img.mode, (math.ceil(img.width / factor), math.ceil(img.height / factor)))
    # Whole blocks per strip: no block is split.
    rows = max(1, STRIP_PIXELS // (img.width * factor)) * factor
    for top in range(0, img.height, rows):
        strip = img.crop((0, top, img.width, min(img.height, top + rows)))
        bands = [band.reduce(factor) for band in _to_linear(strip)]
        out.paste(_from_linear(bands, img.mode), (0, top // factor))
    return out


def _to_linear(img: Image.Image) -> Iterator[Image.Image]:
    """Yield an 8-bit image's bands as floats of linear light, colour premultiplied by alpha.

    One band at a time: the caller resizes each before the next is made, so only
    one band of floats (and the alpha) is held at once.
    """
    bands = img.split()
    if img.mode in ("L", "RGB"):
        for band in bands:
            yield band.point(_decoding(), "F")
        return
    alpha = bands[-1].point(_fractions(), "F")
    for band in bands[:-1]:
        light = band.point(_decoding(), "F")
        yield ImageMath.lambda_eval(lambda v: v["c"] * v["a"], c=light, a=alpha)
    yield alpha


def _from_linear(bands: Sequence[Image.Image], mode: str) -> Image.Image:
    """Merge float bands of linear light back into an 8-bit sRGB image of mode."""
    if mode in ("L", "RGB"):
        return Image.merge(mode, [_encoded(band) for band in bands])
    alpha = bands[-1]
    colours = [
        ImageMath.lambda_eval(lambda v: v["c"] / v["max"](v["a"], CLEAR_ALPHA), c=band, a=alpha)
        for band in bands[:-1]
    ]
    # Alpha is a fraction, not light: it is only scaled and rounded (negatives clip to 0).
    opacity = alpha.point(lambda v: v * 255 + 0.5).convert("L")
    return Image.merge(mode, [*(_encoded(c) for c in colours), opacity])


def _encoded(band: Image.Image) -> Image.Image:
    """Turn a float band of linear light into an 8-bit sRGB band, to the nearest code.

    This is Image.point(table, "L") on the band as integers, minus the copy and
    rounding of all 65536 entries in Python that Image.point makes on every call:
    3.5 ms, more than the lookup itself on a strip. The table is made once.
    """
    whole = band.convert("I")
    return whole._new(whole.im.point(_encoding(), "L"))


@cache
def _decoding() -> list[float]:
    """Return the light of each 8-bit sRGB code, on the 16-bit scale (0 to 65535)."""
    codes = (i / 255 for i in range(256))
    return [_TOP * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4) for c in codes]


@cache
def _encoding() -> list[int]:
    """Return the nearest 8-bit sRGB code for each 16-bit step of linear light.

    Converting floats to integers truncates, so step i stands for light from i
    to i + 1: its code is that of the middle. The table's ends clamp the
    filter's overshoot to 0 and 255.
    """
    levels = ((i + 0.5) / _TOP for i in range(_TOP + 1))
    return [
        round(255 * (v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055))
        for v in levels
    ]


@cache
def _fractions() -> list[float]:
    return [i / 255 for i in range(256)]
