"""Resizing in linear light: thin lines keep their weight, flat colours stay exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from kitgen import imaging, resample

from .test_sources import render, spec


def stripes(width: int, height: int, mode: str = "L") -> Image.Image:
    """Return one-pixel black and white columns: half the light of white, on average."""
    img = Image.new("L", (width, height))
    img.putdata([255 * (x % 2) for _ in range(height) for x in range(width)])
    return img.convert(mode)


# Half of white's light is sRGB code 188; averaging the codes themselves would give 128.
HALF_LIGHT = 188


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "LA"])
def test_fine_stripes_keep_their_light_when_shrunk(mode: str) -> None:
    img = stripes(64, 64, mode)
    resized = resample.resize(img, (16, 16), (0.0, 0.0, 64.0, 64.0))
    reduced = resample.reduce(img, 2)
    for shrunk in (resized, reduced):
        assert shrunk.mode == mode
        assert abs(shrunk.convert("L").getpixel((5, 5)) - HALF_LIGHT) <= 1  # type: ignore[operator]


def test_a_whole_render_of_thin_white_text_on_black_keeps_its_brightness(tmp_path: Path) -> None:
    # A 2000-pixel source shrunk to 250 goes through the box-reduce pyramid and then Lanczos:
    # both steps must average light, or the lines fade towards code 128.
    source = tmp_path / "lines.png"
    stripes(2000, 2000, "RGB").save(source)
    out = render(
        source, spec(tmp_path, "PNG", width=250, height=250, box=(0.0, 0.0, 2000.0, 2000.0))
    )
    mean = sum(i * n for i, n in enumerate(out.convert("L").histogram())) / (250 * 250)
    assert abs(mean - HALF_LIGHT) <= 2


def test_every_flat_colour_comes_back_exactly() -> None:
    codes = list(range(256))
    img = Image.new("RGB", (256, 24))
    img.putdata([(c, 255 - c, (c * 7) % 256) for _ in range(24) for c in codes])
    resized = resample.resize(img, (256, 12), (0.0, 0.0, 256.0, 24.0))  # rows only: no mixing
    assert resized.getpixel((0, 5)) == (0, 255, 0)
    assert ImageChops.difference(resized, img.crop((0, 0, 256, 12))).getbbox() is None
    reduced = resample.reduce(Image.new("RGBA", (8, 8), (17, 130, 250, 255)), 2)
    assert reduced.getpixel((1, 1)) == (17, 130, 250, 255)


def test_clear_pixels_lend_no_colour_to_their_neighbours() -> None:
    # Left: opaque red. Right: fully clear, but green underneath. Green must not bleed.
    img = Image.new("RGBA", (64, 16), (255, 0, 0, 255))
    img.paste((0, 255, 0, 0), (30, 0, 64, 16))
    for shrunk in (
        resample.resize(img, (16, 4), (0.0, 0.0, 64.0, 16.0)),
        resample.reduce(img, 4),
    ):
        red, green, _, alpha = shrunk.getpixel((7, 2))  # type: ignore[misc]
        assert 0 < alpha < 255 and red > 250 and green < 5  # the edge pixel: partly clear, red


@pytest.mark.parametrize(
    ("size", "box"),
    [
        ((640, 360), (123.4, 55.5, 2900.7, 1617.7)),  # shrink: several strips
        ((1500, 1000), (10.0, 20.0, 1010.0, 686.7)),  # enlarge
        ((300, 900), (0.0, 0.0, 1000.0, 3000.0)),  # tall: strips meet the top and bottom edges
    ],
)
def test_strips_give_the_same_pixels_as_one_whole_resize(
    size: tuple[int, int], box: imaging.Box
) -> None:
    img = Image.merge(
        "RGB",
        [
            Image.effect_mandelbrot((3000, 3000), (-2.2, -1.2, 1.0, 1.2), 100),
            Image.effect_noise((3000, 3000), 60),
            Image.linear_gradient("L").resize((3000, 3000)),
        ],
    )
    strips = resample.resize(img, size, box)
    one = resample.resize(img, size, box, strip_pixels=img.width * img.height)
    # Each strip carries every row the filter reaches, so only float rounding may differ.
    assert ImageChops.difference(strips, one).getextrema() <= ((0, 1),) * 3


def test_cmyk_is_resized_as_ink() -> None:
    img = Image.new("CMYK", (40, 40), (200, 10, 0, 30))
    assert resample.resize(img, (10, 10), (0.0, 0.0, 40.0, 40.0)).getpixel((5, 5)) == (
        200,
        10,
        0,
        30,
    )
