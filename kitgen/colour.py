"""Bring any source's colours to sRGB: embedded ICC profiles, and untagged CMYK.

Outputs are untagged sRGB (browsers and platforms assume sRGB for an untagged
image, and no profile means no 3 KB of ICC bytes in every avatar). Sources are
converted with LittleCMS through their embedded profile, perceptual intent.
An untagged CMYK source is converted through a real press profile shipped in
kitgen/data (see data/README.md), never through Pillow's naive formula, which
turns press cyan (0, 159, 228) into screen cyan (0, 255, 255).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from importlib import resources

from PIL import Image, ImageCms

Convert = Callable[[Image.Image], Image.Image]
CMYK_PROFILE = "data/cmyk-fogra39.icc"
_PROFILE_MODES = {"RGB ": "RGB", "CMYK": "CMYK", "GRAY": "L"}


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def _default_cmyk() -> bytes:
    return resources.files("kitgen").joinpath(CMYK_PROFILE).read_bytes()


def _profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Return a perceptual transform to sRGB, or None for a profile that does not fit."""
    profile = _profile(icc)
    if profile is None or _PROFILE_MODES.get(profile.profile.xcolor_space) != mode:
        return None  # unusable or for another colour space: read the numbers as sRGB
    try:
        return ImageCms.buildTransform(
            profile, _srgb(), mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except ImageCms.PyCMSError:
        return None


def to_srgb(mode: str, icc: bytes | None) -> Convert:
    """Return a converter from images of this mode (and profile) to sRGB RGB or RGBA.

    The transform is built once per source and applied to each small output,
    which is far cheaper than converting the full-size source.
    """
    colour_mode = {"RGBA": "RGB", "LA": "L"}.get(mode, mode)
    transform = _transform(icc, colour_mode) if icc else None
    if transform is None and colour_mode == "CMYK":
        transform = _transform(_default_cmyk(), colour_mode)

    def convert(img: Image.Image) -> Image.Image:
        alpha = img.getchannel("A") if img.mode in ("RGBA", "LA") else None
        colour = img.convert(colour_mode) if alpha is not None else img
        if transform is not None:
            colour = ImageCms.applyTransform(colour, transform) or colour
        colour = colour.convert("RGB")
        if alpha is not None:
            colour.putalpha(alpha)
        return colour

    return convert
