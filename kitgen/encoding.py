"""Encode a finished image without metadata, at the best quality that fits a byte limit.

The top of the quality ladder is tried first (best_encoding); only a file over
the limit is searched for the highest quality that fits (smaller_encoding), so
most outputs cost one encode.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFile

JPEG_MAX_QUALITY = 90
JPEG_MIN_QUALITY = 30
WEBP_QUALITIES = (75, 60, 45)


class ImageProblem(Exception):
    """An image that cannot be made as asked; the message says what to do."""


def best_encoding(img: Image.Image, fmt: str) -> bytes:
    """Encode at the top of the quality ladder, whatever its size."""
    if fmt == "PNG":
        return _png(img, compress_level=6)
    if fmt == "WEBP":
        return _webp(img, WEBP_QUALITIES[0])
    # Full colour resolution at the top quality (as libvips does from Q90 up), so thin
    # coloured text and logo edges stay crisp.
    return _jpeg(_rgb(img), JPEG_MAX_QUALITY, "4:4:4")


def smaller_encoding(img: Image.Image, fmt: str, max_bytes: int) -> bytes:
    """Encode at the best quality below the top that fits max_bytes, or raise ImageProblem."""
    if fmt == "PNG":
        return _smaller_png(img, max_bytes)
    if fmt == "WEBP":
        return _smaller_webp(img, max_bytes)
    return _smaller_jpeg(_rgb(img), max_bytes)


def _rgb(img: Image.Image) -> Image.Image:
    # convert() copies even when the mode is already right: a banner-sized copy for nothing.
    return img if img.mode == "RGB" else img.convert("RGB")


def _jpeg(img: Image.Image, quality: int, subsampling: str = "4:2:0") -> bytes:
    buf = io.BytesIO()
    # Progressive with optimised Huffman tables: the smallest file for the same pixels.
    # libjpeg then writes the file in one go, into a buffer Pillow sizes at one byte per
    # pixel below quality 95; full-colour noise at 4:4:4 needs more ("Suspension not
    # allowed here"), so allow up to the raw size for this save.
    block = ImageFile.MAXBLOCK
    ImageFile.MAXBLOCK = max(block, 3 * img.width * img.height + 65536)
    try:
        img.save(
            buf, "JPEG", quality=quality, optimize=True, progressive=True, subsampling=subsampling
        )
    finally:
        ImageFile.MAXBLOCK = block
    return buf.getvalue()


def _smaller_jpeg(img: Image.Image, max_bytes: int) -> bytes:
    # Halve the colour resolution, and bisect for the highest quality that fits, not
    # merely the first: each step is one encode of an output-sized image.
    lo, hi, found = JPEG_MIN_QUALITY, JPEG_MAX_QUALITY, None
    while lo <= hi:
        mid = (lo + hi) // 2
        data = _jpeg(img, mid)
        if len(data) <= max_bytes:
            found, lo = data, mid + 1
        else:
            hi = mid - 1
    if found is None:
        raise ImageProblem(
            f"cannot fit {img.width}×{img.height} into {max_bytes} bytes even at JPEG quality"
            f" {JPEG_MIN_QUALITY} — simplify the artwork"
        )
    return found


def _webp(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    # Method 4 (libwebp's default) is ~30 % faster than 6 for ~1 % more bytes on a preview.
    img.save(buf, "WEBP", quality=quality, method=4)
    return buf.getvalue()


def _smaller_webp(img: Image.Image, max_bytes: int) -> bytes:
    # Previews only: a few fixed steps are enough, they are small and never downloaded.
    for quality in WEBP_QUALITIES[1:]:
        data = _webp(img, quality)
        if len(data) <= max_bytes:
            return data
    raise ImageProblem(
        f"cannot fit a {img.width}×{img.height} WebP preview into {max_bytes} bytes"
        " — simplify the artwork"
    )


def _png(img: Image.Image, **options: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **options)
    return buf.getvalue()


def _smaller_png(img: Image.Image, max_bytes: int) -> bytes:
    # Fewer colours before failing: logos and frames survive a 256-colour palette well.
    data = _png(img.quantize(256, method=Image.Quantize.FASTOCTREE), optimize=True)
    if len(data) <= max_bytes:
        return data
    raise ImageProblem(
        f"cannot fit {img.width}×{img.height} PNG into {max_bytes} bytes — use fewer colours"
    )
