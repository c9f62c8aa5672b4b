"""The yardstick for kitgen's resampling: one exact Lanczos of the full-size image.

Written out plainly, with no pyramid, no draft decoding and no strips, so that
it shares none of the shortcuts it is there to judge. Like kitgen, it averages
in linear light.
"""

from __future__ import annotations

import math

from PIL import Image

Box = tuple[float, float, float, float]


def exact_lanczos(img: Image.Image, size: tuple[int, int], box: Box) -> Image.Image:
    """Return box of an L or RGB image resized to size by one Lanczos in linear light."""
    codes = [i / 255 for i in range(256)]
    light = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in codes]
    srgb = [
        round(255 * (v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055))
        for v in (i / 65535 for i in range(65536))
    ]
    bands = [
        band.point(light, "F")
        .resize(size, Image.Resampling.LANCZOS, box=box)
        .point(lambda v: v * 65535 + 0.5)
        .convert("I")
        .point(srgb, "L")
        for band in img.split()
    ]
    return Image.merge(img.mode, bands)


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Return the peak signal-to-noise ratio of two same-size images, in dB."""
    hist = Image.frombytes(
        a.mode, a.size, bytes(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True))
    ).histogram()
    total = sum(count * ((i % 256) ** 2) for i, count in enumerate(hist))
    mse = total / (a.width * a.height * len(a.getbands()))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
