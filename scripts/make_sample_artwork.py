"""Generate the sample artwork for the three demo campaigns in ``campaigns/``.

Run from anywhere::

    .venv/bin/python scripts/make_sample_artwork.py

Everything is drawn with Pillow from fixed random seeds, so running the script
twice on the same machine gives byte-identical files.  No network access is
needed.  The output is committed, so this script only has to be re-run when
the artwork itself should change.  The ``campaign.toml`` files are written by
hand and are not touched here; keep their ``focus`` values in sync with the
``FOCUS`` constants below.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from PIL.ExifTags import GPS, IFD, Base

RGB = tuple[int, int, int]
Point = tuple[float, float]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = ROOT / "campaigns"

JPEG_QUALITY = 88
BICUBIC = Image.Resampling.BICUBIC
LANCZOS = Image.Resampling.LANCZOS

# Focal points (fractions of the upright image's width and height).  These are
# copied into each campaign.toml as ``focus``.  The wordmark on each hero sits
# beside the subject, inside the horizontal band around the focal point that
# survives even a very wide 4:1 banner crop (about 1000 px tall here).
FOCUS: dict[str, Point] = {
    "winter-wellbeing": (0.68, 0.40),
    "spring-launch": (0.32, 0.42),
    "pride-2026": (0.62, 0.42),
}

FONT_FILES: dict[str, tuple[str, ...]] = {
    "bold": (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    "regular": (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    "serif": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ),
}

# Six-stripe rainbow plus the light blue, pink and white of the trans flag.
RAINBOW: tuple[RGB, ...] = (
    (228, 3, 3),
    (255, 140, 0),
    (255, 237, 0),
    (0, 128, 38),
    (36, 64, 142),
    (115, 41, 130),
)
TRANS: tuple[RGB, ...] = ((91, 206, 250), (245, 169, 184), (255, 255, 255))


# --------------------------------------------------------------------------
# Small drawing helpers
# --------------------------------------------------------------------------


def load_font(kind: str, size: int) -> Font:
    """Return a TrueType font of the given kind, falling back to Pillow's."""
    for path in FONT_FILES[kind]:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def lerp(a: RGB, b: RGB, t: float) -> RGB:
    """Blend two colours; ``t=0`` gives ``a`` and ``t=1`` gives ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def gradient_colour(stops: Sequence[tuple[float, RGB]], t: float) -> RGB:
    """Colour at position ``t`` along a list of ``(position, colour)`` stops."""
    if t <= stops[0][0]:
        return stops[0][1]
    for (t0, c0), (t1, c1) in pairwise(stops):
        if t <= t1:
            return lerp(c0, c1, (t - t0) / (t1 - t0))
    return stops[-1][1]


def vertical_gradient(size: tuple[int, int], stops: Sequence[tuple[float, RGB]]) -> Image.Image:
    """Top-to-bottom multi-stop gradient."""
    w, h = size
    column = Image.new("RGB", (1, h))
    column.putdata([gradient_colour(stops, y / max(h - 1, 1)) for y in range(h)])
    return column.resize((w, h), Image.Resampling.NEAREST)


def angled_gradient(
    size: tuple[int, int], stops: Sequence[tuple[float, RGB]], angle: float
) -> Image.Image:
    """Linear gradient rotated by ``angle`` degrees (counter-clockwise)."""
    w, h = size
    side = math.ceil(math.hypot(w, h))
    big = vertical_gradient((side, side), stops).rotate(angle, resample=BICUBIC)
    left, top = (side - w) // 2, (side - h) // 2
    return big.crop((left, top, left + w, top + h))


def soft_spot(
    size: tuple[int, int],
    centre: Point,
    radius: float,
    peak: float = 1.0,
    power: float = 2.0,
) -> Image.Image:
    """Greyscale mask with a soft round spot fading to black at ``radius``."""
    # radial_gradient() is 0 in the middle and 179 half-way to the edge.
    lut = [round(255 * peak * max(0.0, 1 - v / 179) ** power) for v in range(256)]
    r = max(1, round(radius))
    spot = Image.radial_gradient("L").point(lut).resize((2 * r, 2 * r), BICUBIC)
    mask = Image.new("L", size, 0)
    mask.paste(spot, (round(centre[0]) - r, round(centre[1]) - r))
    return mask


def screen_colour(img: Image.Image, mask: Image.Image, colour: RGB) -> Image.Image:
    """Lighten ``img`` with ``colour`` (screen blend) where ``mask`` is bright."""
    lit = ImageChops.screen(img, Image.new("RGB", img.size, colour))
    return Image.composite(lit, img, mask)


def fill_mask(img: Image.Image, mask: Image.Image, paint: RGB | Image.Image) -> None:
    """Paint a colour or an image into ``img`` through ``mask`` (in place)."""
    if isinstance(paint, tuple):
        paint = Image.new(img.mode, img.size, paint)
    img.paste(paint, (0, 0), mask)


def paste_rgba(base: Image.Image, patch: Image.Image, x: int, y: int) -> None:
    """Alpha-composite ``patch`` onto RGBA ``base`` at a possibly negative spot."""
    sx, sy = max(0, -x), max(0, -y)
    if sx >= patch.width or sy >= patch.height:
        return
    if x + patch.width <= 0 or y + patch.height <= 0:
        return
    if x >= base.width or y >= base.height:
        return
    base.alpha_composite(patch, (max(0, x), max(0, y)), (sx, sy))


def overlay(base: Image.Image, paint: Callable[[ImageDraw.ImageDraw], None]) -> None:
    """Draw on a clear layer and blend it onto RGBA ``base`` (keeps alpha right)."""
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    paint(ImageDraw.Draw(layer))
    base.alpha_composite(layer)


def add_grain(img: Image.Image, rng: random.Random, amount: int) -> Image.Image:
    """Add fine monochrome film grain of roughly +/- ``amount`` levels."""
    w, h = img.size
    a = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    b = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = ImageChops.add(a, b, scale=2.0)  # triangular, centred on 127
    lut = [max(0, min(255, 128 + round((v - 127.5) / 127.5 * amount))) for v in range(256)]
    noise = noise.point(lut).filter(ImageFilter.GaussianBlur(0.45))
    return ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), 1.0, -128)


def vignette(img: Image.Image, strength: float) -> Image.Image:
    """Darken the corners like a real lens does."""
    lut = [round(255 * (1 - strength * min(1.0, v / 230) ** 2.2)) for v in range(256)]
    shade = Image.radial_gradient("L").point(lut).resize(img.size, BICUBIC)
    return ImageChops.multiply(img, Image.merge("RGB", (shade, shade, shade)))


def ridge(
    width: int,
    height: int,
    base: float,
    waves: Sequence[tuple[float, float, float]],
    step: int = 8,
) -> list[Point]:
    """Polygon of a hill whose top is ``base`` plus sine ``(amp, freq, phase)``."""
    points: list[Point] = []
    for x in range(0, width + step, step):
        u = x / width
        y = base + sum(a * math.sin(2 * math.pi * f * u + p) for a, f, p in waves)
        points.append((x, y * height))
    return [*points, (width + step, height + 10), (-step, height + 10)]


def quad_bezier(p0: Point, p1: Point, p2: Point, t: float) -> Point:
    """Point on a quadratic Bezier curve."""
    u = 1 - t
    return (
        u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
        u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
    )


def bokeh(
    img: Image.Image,
    rng: random.Random,
    count: int,
    radius: tuple[float, float],
    colours: Sequence[RGB],
    alpha: tuple[int, int],
    blur: tuple[float, float],
    where: Callable[[random.Random], Point],
) -> Image.Image:
    """Scatter soft out-of-focus discs (with the typical brighter rim)."""
    base = img.convert("RGBA")
    for _ in range(count):
        cx, cy = where(rng)
        r = rng.uniform(*radius)
        a = rng.randint(*alpha)
        colour = rng.choice(colours)
        softness = rng.uniform(*blur)
        pad = math.ceil(r + 3 * softness + 2)
        patch = Image.new("RGBA", (2 * pad, 2 * pad), (*colour, 0))
        draw = ImageDraw.Draw(patch)
        box = (pad - r, pad - r, pad + r, pad + r)
        draw.ellipse(box, fill=(*colour, a))
        rim = max(1, round(r / 10))
        draw.ellipse(box, outline=(*colour, min(255, round(a * 1.5))), width=rim)
        if softness > 0:
            patch = patch.filter(ImageFilter.GaussianBlur(softness))
        paste_rgba(base, patch, round(cx) - pad, round(cy) - pad)
    return base.convert("RGB")


def text_layer(
    img: Image.Image,
    xy: Point,
    text: str,
    font: Font,
    fill: RGB,
    *,
    anchor: str = "ls",
    opacity: int = 255,
    shadow: RGB | None = (0, 0, 0),
    shadow_opacity: int = 120,
    shadow_blur: float = 14,
    shadow_offset: tuple[int, int] = (0, 8),
) -> Image.Image:
    """Draw ``text`` with an optional soft drop shadow; returns a new image."""
    if shadow is not None:
        smask = Image.new("L", img.size, 0)
        sx, sy = xy[0] + shadow_offset[0], xy[1] + shadow_offset[1]
        ImageDraw.Draw(smask).text((sx, sy), text, font=font, fill=shadow_opacity, anchor=anchor)
        smask = smask.filter(ImageFilter.GaussianBlur(shadow_blur))
        img = Image.composite(Image.new("RGB", img.size, shadow), img, smask)
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).text(xy, text, font=font, fill=opacity, anchor=anchor)
    return Image.composite(Image.new("RGB", img.size, fill), img, mask)


def curved_text(
    canvas: Image.Image,
    text: str,
    font: Font,
    centre: Point,
    radius: float,
    fill: tuple[int, int, int, int],
    *,
    bottom: bool = False,
    tracking: float = 0.0,
) -> None:
    """Set ``text`` along a circle: over the top, or upright under the bottom."""
    widths = [font.getlength(ch) + tracking for ch in text]
    total = sum(widths) - tracking
    size = round(getattr(font, "size", 40) * 2)
    # Angles in degrees, clockwise from 3 o'clock (image coordinates).
    mid = 90.0 if bottom else -90.0
    direction = -1.0 if bottom else 1.0
    start = mid - direction * math.degrees(total / radius) / 2
    run = 0.0
    for ch, w in zip(text, widths, strict=True):
        theta = start + direction * math.degrees((run + (w - tracking) / 2) / radius)
        run += w
        if ch == " ":
            continue
        glyph = Image.new("RGBA", (size, size), (*fill[:3], 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=fill, anchor="mm")
        rotation = -(theta - 90) if bottom else -(theta + 90)
        glyph = glyph.rotate(rotation, resample=BICUBIC)
        x = centre[0] + radius * math.cos(math.radians(theta))
        y = centre[1] + radius * math.sin(math.radians(theta))
        paste_rgba(canvas, glyph, round(x - size / 2), round(y - size / 2))


def round_line(
    draw: ImageDraw.ImageDraw,
    a: Point,
    b: Point,
    fill: int | tuple[int, ...],
    width: float,
) -> None:
    """Straight stroke with round caps."""
    draw.line([a, b], fill=fill, width=round(width))
    r = width / 2
    for x, y in (a, b):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


# --------------------------------------------------------------------------
# Logo marks (shared by heroes, badges, frame and signature banner)
# --------------------------------------------------------------------------


def draw_snowflake(
    draw: ImageDraw.ImageDraw,
    centre: Point,
    radius: float,
    fill: tuple[int, ...],
    width: float,
) -> None:
    """Six-armed snowflake mark."""
    cx, cy = centre
    for k in range(6):
        a = math.radians(-90 + 60 * k)
        tip = (cx + radius * math.cos(a), cy + radius * math.sin(a))
        round_line(draw, centre, tip, fill, width)
        for frac, length in ((0.42, 0.34), (0.7, 0.24)):
            px, py = cx + frac * radius * math.cos(a), cy + frac * radius * math.sin(a)
            for side in (-1, 1):
                b = a + side * math.radians(48)
                end = (px + length * radius * math.cos(b), py + length * radius * math.sin(b))
                round_line(draw, (px, py), end, fill, width * 0.8)
    r = width * 1.1
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)


def leaf(base: Point, length: float, width: float, angle: float) -> list[Point]:
    """Pointed leaf polygon growing from ``base`` in direction ``angle``."""
    n = 48
    upper = []
    for i in range(n + 1):
        t = i / n
        upper.append((t * length, width / 2 * math.sin(math.pi * t) * (1.15 - 0.3 * t)))
    outline = upper + [(x, -y * 0.8) for x, y in reversed(upper)]
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(base[0] + x * ca - y * sa, base[1] + x * sa + y * ca) for x, y in outline]


def draw_sprout(
    draw: ImageDraw.ImageDraw,
    centre: Point,
    size: float,
    fill: tuple[int, ...],
    spark: tuple[int, ...],
) -> None:
    """Spring Launch mark: a two-leaf sprout with a small spark above it."""
    cx, cy = centre
    stem = [
        quad_bezier(
            (cx, cy + 0.5 * size),
            (cx + 0.12 * size, cy + 0.1 * size),
            (cx, cy - 0.12 * size),
            t / 24,
        )
        for t in range(25)
    ]
    for a, b in pairwise(stem):
        round_line(draw, a, b, fill, 0.075 * size)
    top = stem[-1]
    draw.polygon(leaf(top, 0.62 * size, 0.34 * size, -30), fill=fill)
    draw.polygon(
        leaf((cx + 0.02 * size, cy + 0.08 * size), 0.5 * size, 0.28 * size, -152), fill=fill
    )
    sx, sy = cx + 0.34 * size, cy - 0.5 * size
    star = []
    for k in range(8):
        r = 0.13 * size if k % 2 == 0 else 0.035 * size
        angle = math.radians(-90 + 45 * k)
        star.append((sx + r * math.cos(angle), sy + r * math.sin(angle)))
    draw.polygon(star, fill=spark)


def heart(centre: Point, width: float) -> list[Point]:
    """Classic parametric heart polygon, ``width`` wide, centred on ``centre``."""
    raw = []
    for i in range(360):
        t = 2 * math.pi * i / 360
        x = 16 * math.sin(t) ** 3
        y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
        raw.append((x, y))
    ys = [y for _, y in raw]
    mid = (min(ys) + max(ys)) / 2
    k = width / 32
    return [(centre[0] + x * k, centre[1] + (y - mid) * k) for x, y in raw]


# --------------------------------------------------------------------------
# Winter Wellbeing Week
# --------------------------------------------------------------------------


def pine(x: float, ground: float, height: float) -> list[list[Point]]:
    """A stylised fir tree as three stacked triangles plus a trunk."""
    tiers = []
    for k in range(3):
        top = ground - height + k * height * 0.26
        bottom = top + height * (0.42 + 0.06 * k)
        half = height * (0.16 + 0.07 * k)
        tiers.append([(x, top), (x + half, bottom), (x - half, bottom)])
    trunk_w = height * 0.035
    tiers.append(
        [
            (x - trunk_w, ground - height * 0.1),
            (x + trunk_w, ground - height * 0.1),
            (x + trunk_w, ground + 4),
            (x - trunk_w, ground + 4),
        ]
    )
    return tiers


def winter_hero() -> Image.Image:
    """Low winter sun over snowy hills and fir trees, with falling snow."""
    rng = random.Random(20261115)
    full_w, full_h = 4000, 2667
    w, h = full_w // 2, full_h // 2
    fx, fy = FOCUS["winter-wellbeing"][0] * w, FOCUS["winter-wellbeing"][1] * h

    img = vertical_gradient(
        (w, h),
        [
            (0.0, (11, 22, 54)),
            (0.28, (30, 58, 112)),
            (0.46, (92, 116, 168)),
            (0.56, (214, 170, 168)),
            (0.62, (250, 206, 170)),
            (1.0, (250, 220, 190)),
        ],
    )
    # Warm halo around the sun before anything else.
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.75 * w, 0.55, 2.4), (255, 170, 120))
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.22 * w, 0.9, 1.8), (255, 214, 160))
    # A few stars high up in the still-dark sky.
    stars = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(stars)
    for _ in range(140):
        x, y = rng.uniform(0, w), rng.uniform(0, 0.3 * h)
        r = rng.uniform(0.6, 1.6)
        sd.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(60, 200))
    img = screen_colour(img, stars.filter(ImageFilter.GaussianBlur(0.6)), (235, 240, 255))

    # Layered hills, far to near, each with its own snow gradient.
    layers = [
        (
            0.55,
            [(0.035, 1.3, 0.4), (0.015, 3.1, 1.9)],
            [(0.45, (170, 170, 205)), (0.75, (120, 130, 180))],
            6,
        ),
        (
            0.62,
            [(0.04, 0.9, 2.2), (0.02, 2.3, 0.3)],
            [(0.52, (205, 205, 228)), (0.8, (128, 146, 196))],
            3,
        ),
        (
            0.72,
            [(0.05, 0.7, 4.1), (0.018, 2.9, 1.1)],
            [(0.6, (238, 236, 246)), (0.95, (150, 172, 214))],
            1.5,
        ),
    ]
    tree_spots = {1: [(0.1, 0.19), (0.36, 0.5), (0.82, 0.97)], 2: [(0.02, 0.12), (0.45, 0.55)]}
    for index, (base, waves, stops, blur) in enumerate(layers):
        poly = ridge(w, h, base, waves)
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).polygon(poly, fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(0.8))  # anti-alias the ridge
        trees = Image.new("L", (w, h), 0)
        td = ImageDraw.Draw(trees)
        for lo, hi in tree_spots.get(index, []):
            for _ in range(int((hi - lo) * 90)):
                x = rng.uniform(lo, hi) * w
                ground = poly[min(len(poly) - 3, round(x / 8))][1] + rng.uniform(4, 18)
                for part in pine(x, ground, rng.uniform(40, 120) * (1 + 0.5 * index)):
                    td.polygon(part, fill=255)
        fill_mask(img, mask, vertical_gradient((w, h), stops))
        shade = (58, 74, 118) if index == 1 else (30, 44, 82)
        fill_mask(img, trees.filter(ImageFilter.GaussianBlur(1.2)), shade)
        if blur:
            region = ImageChops.lighter(mask, trees).filter(ImageFilter.GaussianBlur(4))
            img = Image.composite(img.filter(ImageFilter.GaussianBlur(blur)), img, region)
    # Light spilling over the hill tops, and the sun itself.
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.5 * w, 0.35, 2.0), (255, 190, 140))
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.05 * w, 1.0, 0.7), (255, 250, 236))
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.03 * w, 1.0, 0.3), (255, 255, 250))

    # Big out-of-focus snowflakes drifting close to the lens.
    img = bokeh(
        img,
        rng,
        70,
        (8, 40),
        [(255, 255, 255), (226, 236, 255)],
        (25, 80),
        (2.0, 6.0),
        lambda r: (r.uniform(-40, w + 40), r.uniform(-40, h + 40)),
    )
    img = img.resize((full_w, full_h), LANCZOS)
    img = bokeh(
        img,
        rng,
        700,
        (2.5, 7.0),
        [(255, 255, 255), (236, 242, 255)],
        (110, 220),
        (0.8, 2.2),
        lambda r: (r.uniform(0, full_w), r.uniform(0, full_h)),
    )
    img = vignette(img, 0.32)

    title = load_font("serif", 200)
    sub = load_font("regular", 78)
    img = text_layer(
        img, (250, 830), "Winter Wellbeing", title, (255, 255, 255), shadow_opacity=140
    )
    img = text_layer(img, (250, 1060), "Week", title, (255, 232, 208), shadow_opacity=140)
    img = text_layer(
        img,
        (256, 1210),
        "Rest, warmth and a little time for you",
        sub,
        (226, 232, 248),
        opacity=235,
        shadow_opacity=110,
        shadow_blur=8,
        shadow_offset=(0, 4),
    )
    mark = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw_snowflake(ImageDraw.Draw(mark), (100, 100), 88, (255, 255, 255, 235), 12)
    canvas = img.convert("RGBA")
    week_end = 250 + round(title.getlength("Week"))
    canvas.alpha_composite(mark, (week_end + 50, 1060 - 75 - 100))
    return add_grain(canvas.convert("RGB"), rng, 7)


def winter_badge(size: int = 1200) -> Image.Image:
    """Round profile badge with the snowflake mark and curved lettering."""
    s = size * 2
    c = (s / 2, s / 2)
    disc = Image.new("L", (s, s), 0)
    ImageDraw.Draw(disc).ellipse((0.01 * s, 0.01 * s, 0.99 * s, 0.99 * s), fill=255)
    paint = angled_gradient(
        (s, s), [(0.15, (74, 156, 196)), (0.55, (32, 72, 136)), (0.9, (14, 30, 72))], 35
    )
    paint = screen_colour(
        paint, soft_spot((s, s), (0.34 * s, 0.28 * s), 0.6 * s, 0.45), (200, 230, 255)
    )
    badge = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    badge.paste(paint, (0, 0), disc)

    def rings(draw: ImageDraw.ImageDraw) -> None:
        for r, width, alpha in ((0.455, 10, 235), (0.325, 6, 170)):
            box = (c[0] - r * s, c[1] - r * s, c[0] + r * s, c[1] + r * s)
            draw.ellipse(box, outline=(255, 255, 255, alpha), width=width)

    overlay(badge, rings)
    draw = ImageDraw.Draw(badge)
    draw_snowflake(draw, c, 0.22 * s, (255, 255, 255, 255), 0.024 * s)
    for side in (-1, 1):
        x = c[0] + side * 0.39 * s
        draw.ellipse((x - 14, c[1] - 14, x + 14, c[1] + 14), fill=(255, 222, 190, 255))
    font = load_font("bold", round(0.075 * s))
    curved_text(badge, "WINTER WELLBEING", font, c, 0.39 * s, (255, 255, 255, 255), tracking=14)
    curved_text(
        badge, "TAKE A BREATH", font, c, 0.39 * s, (255, 226, 200, 255), bottom=True, tracking=14
    )
    return badge.resize((size, size), LANCZOS)


def winter_frame(size: int = 1200) -> Image.Image:
    """Overlay ring for a personal photo: transparent inside, banner at the bottom."""
    s = size * 2
    c = (s / 2, s / 2)
    outer, inner, ring = 0.5 * s, 0.395 * s, 0.47 * s
    frame = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    paint = angled_gradient((s, s), [(0.2, (58, 140, 188)), (0.8, (16, 36, 86))], 20)

    mask = Image.new("L", (s, s), 0)
    md = ImageDraw.Draw(mask)
    md.ellipse((c[0] - outer, c[1] - outer, c[0] + outer, c[1] + outer), fill=255)
    md.ellipse((c[0] - ring, c[1] - ring, c[0] + ring, c[1] + ring), fill=0)
    # Bottom banner: an annular sector from 20 to 160 degrees.
    banner = Image.new("L", (s, s), 0)
    bd = ImageDraw.Draw(banner)
    bd.pieslice((c[0] - outer, c[1] - outer, c[0] + outer, c[1] + outer), 18, 162, fill=255)
    bd.ellipse((c[0] - inner, c[1] - inner, c[0] + inner, c[1] + inner), fill=0)
    mask = ImageChops.lighter(mask, banner)
    frame.paste(paint, (0, 0), mask)

    def snow(draw: ImageDraw.ImageDraw) -> None:
        rng = random.Random(7)
        for _ in range(90):  # a light dusting of snow on the thin ring
            a = rng.uniform(0, 2 * math.pi)
            rr = rng.uniform(ring + 8, outer - 8)
            d = rng.uniform(3, 8)
            alpha = rng.randint(120, 230)
            if 0.3 < a < 2.85:  # leave the banner clean
                continue
            x, y = c[0] + rr * math.cos(a), c[1] + rr * math.sin(a)
            draw.ellipse((x - d, y - d, x + d, y + d), fill=(255, 255, 255, alpha))

    overlay(frame, snow)
    draw = ImageDraw.Draw(frame)
    font = load_font("bold", round(0.058 * s))
    curved_text(
        frame,
        "WINTER WELLBEING",
        font,
        c,
        (inner + outer) / 2 - 6,
        (255, 255, 255, 255),
        bottom=True,
        tracking=10,
    )
    for angle in (32, 148):
        a = math.radians(angle)
        rr = (inner + outer) / 2
        draw_snowflake(
            draw,
            (c[0] + rr * math.cos(a), c[1] + rr * math.sin(a)),
            0.03 * s,
            (255, 255, 255, 255),
            7,
        )
    frame = frame.resize((size, size), LANCZOS)
    # Guarantee the middle stays perfectly clear for the photo underneath.
    hole = Image.new("L", (size, size), 255)
    r = inner / 2 - 2
    ImageDraw.Draw(hole).ellipse((size / 2 - r, size / 2 - r, size / 2 + r, size / 2 + r), fill=0)
    frame.putalpha(ImageChops.multiply(frame.getchannel("A"), hole))
    return frame


# --------------------------------------------------------------------------
# Spring Launch
# --------------------------------------------------------------------------


def blossom_branch(img: Image.Image, rng: random.Random, scale: float) -> Image.Image:
    """Out-of-focus cherry branch reaching in from the top-left corner."""
    w, h = img.size
    wood = Image.new("L", (w, h), 0)
    wd = ImageDraw.Draw(wood)
    twigs = [
        ((-0.05, 0.08), (0.12, 0.02), (0.27, 0.14), 26),
        ((0.1, 0.045), (0.14, 0.16), (0.2, 0.26), 12),
        ((0.02, 0.06), (0.04, 0.2), (0.01, 0.33), 14),
        ((0.2, 0.1), (0.26, 0.06), (0.32, 0.05), 8),
    ]
    flowers: list[Point] = []
    for p0, p1, p2, thick in twigs:
        pts = [quad_bezier(p0, p1, p2, t / 40) for t in range(41)]
        pts = [(x * w, y * h) for x, y in pts]
        for i, (a, b) in enumerate(pairwise(pts)):
            round_line(wd, a, b, 255, thick * scale * (1 - 0.6 * i / 40))
        flowers.extend(pts[8::3])
    img = Image.composite(
        Image.new("RGB", (w, h), (74, 48, 46)),
        img,
        wood.filter(ImageFilter.GaussianBlur(7 * scale)),
    )
    pinks = [(255, 183, 206), (255, 206, 222), (255, 240, 246), (248, 160, 190)]
    img = bokeh(
        img,
        rng,
        160,
        (10 * scale, 30 * scale),
        pinks,
        (150, 235),
        (2.5 * scale, 6 * scale),
        lambda r: (lambda p: (p[0] + r.gauss(0, 30 * scale), p[1] + r.gauss(0, 26 * scale)))(
            r.choice(flowers)
        ),
    )
    return img


def spring_hero() -> Image.Image:
    """Bright spring morning: meadow, blossom and a light trail rising to the sun."""
    rng = random.Random(20270301)
    full_w, full_h = 4500, 3000
    w, h = full_w // 2, full_h // 2
    fx, fy = FOCUS["spring-launch"][0] * w, FOCUS["spring-launch"][1] * h

    img = vertical_gradient(
        (w, h),
        [
            (0.0, (70, 146, 218)),
            (0.35, (140, 196, 238)),
            (0.58, (236, 236, 220)),
            (0.68, (255, 232, 196)),
        ],
    )
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.8 * w, 0.5, 2.2), (255, 226, 170))
    # Soft clouds.
    clouds = Image.new("L", (w, h), 0)
    cd = ImageDraw.Draw(clouds)
    for cx, cy, spread in (
        (0.7, 0.2, 0.16),
        (0.9, 0.33, 0.1),
        (0.12, 0.3, 0.08),
        (0.55, 0.36, 0.12),
    ):
        for _ in range(24):
            x = (cx + rng.gauss(0, spread / 2.5)) * w
            y = (cy + rng.gauss(0, 0.02)) * h
            r = rng.uniform(0.02, 0.06) * w
            cd.ellipse((x - r, y - 0.55 * r, x + r, y + 0.55 * r), fill=rng.randint(90, 160))
    img = screen_colour(img, clouds.filter(ImageFilter.GaussianBlur(28)), (255, 255, 255))

    layers = [
        (
            0.6,
            [(0.03, 1.1, 1.0), (0.012, 3.4, 0.2)],
            [(0.55, (150, 190, 170)), (0.8, (120, 170, 140))],
            5,
        ),
        (
            0.68,
            [(0.04, 0.8, 3.0), (0.015, 2.2, 1.4)],
            [(0.62, (132, 190, 92)), (0.9, (88, 150, 70))],
            2,
        ),
        (
            0.8,
            [(0.05, 0.6, 5.2), (0.02, 1.9, 0.7)],
            [(0.72, (112, 176, 72)), (1.0, (46, 108, 46))],
            0,
        ),
    ]
    for base, waves, stops, blur in layers:
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).polygon(ridge(w, h, base, waves), fill=255)
        mask = mask.filter(ImageFilter.GaussianBlur(0.8))  # anti-alias the ridge
        layer = vertical_gradient((w, h), stops)
        if blur:
            layer = layer.filter(ImageFilter.GaussianBlur(blur))
            mask = mask.filter(ImageFilter.GaussianBlur(blur / 2))
        fill_mask(img, mask, layer)

    # The launch: a glowing trail curving up from the meadow into the light.
    trail = Image.new("L", (w, h), 0)
    td = ImageDraw.Draw(trail)
    p0, p1, p2 = (0.02 * w, 1.02 * h), (0.1 * w, 0.55 * h), (fx, fy)
    steps = 400
    for i in range(steps + 1):
        t = i / steps
        x, y = quad_bezier(p0, p1, p2, t)
        r = 2 + 10 * t
        td.ellipse((x - r, y - r, x + r, y + r), fill=round(40 + 200 * t**1.5))
    img = screen_colour(img, trail.filter(ImageFilter.GaussianBlur(18)), (255, 236, 190))
    img = screen_colour(img, trail.filter(ImageFilter.GaussianBlur(3)), (255, 250, 235))
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.22 * w, 0.95, 1.6), (255, 226, 160))
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.045 * w, 1.0, 0.6), (255, 252, 240))
    # Four-point star flare on the bright spot.
    flare = Image.new("L", (w, h), 0)
    fd = ImageDraw.Draw(flare)
    for dx, dy, length in ((1, 0, 0.16 * w), (0, 1, 0.11 * w)):
        fd.line(
            [(fx - dx * length, fy - dy * length), (fx + dx * length, fy + dy * length)],
            fill=120,
            width=3,
        )
    img = screen_colour(img, flare.filter(ImageFilter.GaussianBlur(2.5)), (255, 248, 225))
    # Lens ghosts along the line through the image centre.
    ghosts = [(fx + (w / 2 - fx) * k, fy + (h / 2 - fy) * k) for k in (1.35, 1.7, 2.2)]
    img = bokeh(
        img,
        rng,
        3,
        (18, 60),
        [(255, 230, 180), (200, 255, 220)],
        (22, 40),
        (3, 6),
        lambda r: ghosts.pop(0),
    )
    img = blossom_branch(img, rng, 1.0)
    # Meadow flowers close to the camera.
    img = bokeh(
        img,
        rng,
        130,
        (4, 16),
        [(255, 228, 92), (255, 255, 255), (255, 196, 214), (250, 210, 60)],
        (140, 230),
        (1.5, 5.0),
        lambda r: (r.uniform(0, w), h * (0.82 + 0.2 * r.random() ** 0.7)),
    )
    img = img.resize((full_w, full_h), LANCZOS)
    img = vignette(img, 0.22)

    title = load_font("bold", 300)
    sub = load_font("regular", 92)
    green, light = (22, 84, 56), (255, 255, 255)
    right = full_w - 300
    img = text_layer(
        img,
        (right, 1120),
        "Spring Launch",
        title,
        green,
        anchor="rs",
        shadow=light,
        shadow_opacity=150,
        shadow_blur=22,
        shadow_offset=(0, 0),
    )
    img = text_layer(
        img,
        (right, 1280),
        "Fresh ideas, growing together",
        sub,
        (36, 92, 70),
        anchor="rs",
        shadow=light,
        shadow_opacity=140,
        shadow_blur=12,
        shadow_offset=(0, 0),
    )
    return add_grain(img, rng, 6)


def spring_badge(size: int = 1200) -> Image.Image:
    """Round green badge with the sprout mark."""
    s = size * 2
    c = (s / 2, s / 2)
    disc = Image.new("L", (s, s), 0)
    ImageDraw.Draw(disc).ellipse((0.01 * s, 0.01 * s, 0.99 * s, 0.99 * s), fill=255)
    paint = angled_gradient(
        (s, s), [(0.1, (150, 214, 110)), (0.5, (46, 150, 92)), (0.95, (16, 86, 70))], 40
    )
    paint = screen_colour(
        paint, soft_spot((s, s), (0.36 * s, 0.3 * s), 0.55 * s, 0.4), (255, 246, 200)
    )
    badge = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    badge.paste(paint, (0, 0), disc)
    draw = ImageDraw.Draw(badge)
    yellow = (255, 214, 82, 255)
    r = 0.455 * s
    draw.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), outline=yellow, width=12)
    r = 0.315 * s
    inner = (c[0] - r, c[1] - r, c[0] + r, c[1] + r)
    overlay(badge, lambda d: d.ellipse(inner, fill=(255, 252, 230, 46)))
    draw_sprout(draw, (c[0], c[1] + 0.02 * s), 0.42 * s, (255, 255, 255, 255), yellow)
    for side in (-1, 1):
        x = c[0] + side * 0.387 * s
        draw.ellipse((x - 14, c[1] - 14, x + 14, c[1] + 14), fill=yellow)
    font = load_font("bold", round(0.08 * s))
    curved_text(badge, "SPRING LAUNCH", font, c, 0.387 * s, (255, 255, 255, 255), tracking=18)
    curved_text(badge, "2027", font, c, 0.387 * s, (255, 236, 170, 255), bottom=True, tracking=18)
    return badge.resize((size, size), LANCZOS)


def spring_signature(badge: Image.Image) -> Image.Image:
    """Opaque 4:1 e-mail signature banner."""
    rng = random.Random(2027)
    w, h = 2400, 600
    img = angled_gradient(
        (w, h), [(0.0, (252, 249, 238)), (0.6, (240, 246, 228)), (1.0, (206, 234, 206))], 90
    )
    img = screen_colour(img, soft_spot((w, h), (0.84 * w, 0.2 * h), 0.5 * w, 0.6), (255, 236, 180))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(ridge(w, h, 0.9, [(0.05, 0.9, 4.3), (0.02, 2.6, 1.0)]), fill=255)
    fill_mask(img, mask.filter(ImageFilter.GaussianBlur(2)), (164, 210, 130))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(ridge(w, h, 0.96, [(0.04, 1.3, 0.3)]), fill=255)
    fill_mask(img, mask.filter(ImageFilter.GaussianBlur(2)), (110, 176, 96))
    img = bokeh(
        img,
        rng,
        60,
        (8, 28),
        [(255, 190, 210), (255, 226, 236), (255, 255, 255)],
        (90, 190),
        (2, 6),
        lambda r: (w * (0.72 + 0.3 * r.random()), h * r.random() ** 1.4),
    )
    base = img.convert("RGBA")
    mark = badge.resize((460, 460), LANCZOS)
    base.alpha_composite(mark, (70, 70))
    img = base.convert("RGB")
    img = text_layer(
        img, (600, 320), "Spring Launch", load_font("bold", 170), (22, 84, 56), shadow=None
    )
    img = text_layer(
        img,
        (606, 430),
        "Fresh ideas, growing together \u00b7 March\u2013April 2027",
        load_font("regular", 62),
        (60, 104, 84),
        shadow=None,
    )
    return img


# --------------------------------------------------------------------------
# Pride Month 2026
# --------------------------------------------------------------------------


def ribbon_bands(
    size: tuple[int, int], centre_line: Callable[[float], float], band: float
) -> list[Image.Image]:
    """Masks for six parallel wavy bands following ``centre_line(u)``."""
    w, h = size
    masks = []
    for k in range(6):
        offset = (k - 2.5) * band
        top = [(x, centre_line(x / w) + offset - band / 2) for x in range(-8, w + 16, 8)]
        bottom = [(x, y + band + 1) for x, y in reversed(top)]
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).polygon(top + bottom, fill=255)
        masks.append(mask)
    return masks


def pride_hero() -> Image.Image:
    """Glowing heart over flowing rainbow ribbons and confetti light (upright)."""
    rng = random.Random(20260601)
    full_w, full_h = 4000, 2667
    w, h = full_w // 2, full_h // 2
    fx, fy = FOCUS["pride-2026"][0] * w, FOCUS["pride-2026"][1] * h

    img = vertical_gradient((w, h), [(0.0, (26, 14, 56)), (0.5, (58, 22, 78)), (1.0, (18, 10, 40))])
    img = screen_colour(img, soft_spot((w, h), (fx, fy), 0.7 * w, 0.45, 2.0), (150, 60, 150))

    # A soft, far-away ribbon for depth, then the main one.
    for amp, base, tilt, band, blur, strength in (
        (0.08, 0.3, 0.12, 0.022, 16, 0.55),
        (0.1, 0.62, -0.18, 0.05, 2, 1.0),
    ):

        def line(u: float, amp: float = amp, base: float = base, tilt: float = tilt) -> float:
            return h * (base + tilt * (u - 0.5) + amp * math.sin(2 * math.pi * (0.85 * u + 0.1)))

        for colour, mask in zip(RAINBOW, ribbon_bands((w, h), line, band * h), strict=True):
            mask = mask.filter(ImageFilter.GaussianBlur(blur)).point(
                lambda v, s=strength: round(v * s)
            )
            fill_mask(img, mask, colour)
        # Satin sheen along the ribbon.
        sheen = Image.new("L", (w, h), 0)
        sd = ImageDraw.Draw(sheen)
        sd.line(
            [(x, line(x / w) - band * h * 1.2) for x in range(0, w + 8, 8)],
            fill=round(110 * strength),
            width=max(2, round(band * h * 0.9)),
        )
        img = screen_colour(
            img, sheen.filter(ImageFilter.GaussianBlur(band * h * 0.8)), (255, 255, 255)
        )

    # The heart: a wide coloured halo, a bright core and a crisp edge.
    size = 0.24 * w
    shape = Image.new("L", (w, h), 0)
    ImageDraw.Draw(shape).polygon(heart((fx, fy), size), fill=255)
    img = screen_colour(img, shape.filter(ImageFilter.GaussianBlur(90)), (255, 80, 170))
    img = screen_colour(img, shape.filter(ImageFilter.GaussianBlur(30)), (255, 150, 200))
    shape = shape.filter(ImageFilter.GaussianBlur(1.0))  # anti-aliased edge
    fill_mask(
        img, shape, angled_gradient((w, h), [(0.3, (255, 236, 244)), (0.6, (255, 150, 196))], 0)
    )
    # Deeper pink towards the rim gives the heart some volume.
    rim = ImageChops.subtract(shape, shape.filter(ImageFilter.GaussianBlur(0.06 * size)))
    fill_mask(img, rim.point(lambda v: min(255, v * 2)), (255, 96, 168))
    img = screen_colour(
        img,
        soft_spot((w, h), (fx - 0.08 * size, fy - 0.12 * size), 0.22 * size, 0.8, 1.4),
        (255, 255, 255),
    )

    def off_heart(scale: float, margin: float) -> Callable[[random.Random], Point]:
        """Sampler for spots that keep clear of the heart (at ``scale``x size)."""

        def pick(r: random.Random) -> Point:
            while True:
                x = r.uniform(-margin, scale * w + margin)
                y = r.uniform(-margin, scale * h + margin)
                dx = (x / scale - fx) / (0.62 * size + margin)
                dy = (y / scale - fy) / (0.55 * size + margin)
                if math.hypot(dx, dy) > 1:
                    return x, y

        return pick

    confetti = [*RAINBOW, *TRANS, (255, 190, 230)]
    img = bokeh(img, rng, 90, (10, 46), confetti, (40, 120), (3, 9), off_heart(1, 30))
    img = img.resize((full_w, full_h), LANCZOS)
    img = bokeh(img, rng, 300, (3, 9), confetti, (130, 230), (0.8, 2.5), off_heart(2, 0))
    img = vignette(img, 0.35)
    title = load_font("bold", 230)
    for xy, text, colour in (
        ((260, 990), "Pride Month", (255, 255, 255)),
        ((260, 1230), "2026", (255, 196, 228)),
    ):
        img = text_layer(img, xy, text, title, colour, shadow_opacity=170, shadow_blur=18)
    img = text_layer(
        img,
        (266, 1370),
        "Proud together, all year round",
        load_font("regular", 80),
        (255, 226, 240),
        shadow_opacity=150,
        shadow_blur=10,
    )
    return add_grain(img, rng, 7)


def pride_exif() -> Image.Exif:
    """Camera-style EXIF: Orientation 6 plus made-up capture details and GPS."""
    exif = Image.Exif()
    exif[Base.Orientation] = 6  # stored pixels need a 90 degree clockwise turn
    exif[Base.Make] = "Kitgen Sample Camera"
    exif[Base.Model] = "KS-1 (fake)"
    exif[Base.Software] = "scripts/make_sample_artwork.py"
    exif[Base.DateTime] = "2026:05:12 10:30:00"
    exif[Base.Artist] = "Sample Photographer"
    details = exif.get_ifd(IFD.Exif)
    details[Base.DateTimeOriginal] = "2026:05:12 10:30:00"
    details[Base.LensModel] = "Sample 35mm f/1.8"
    gps = exif.get_ifd(IFD.GPSInfo)  # fake: the Eiffel Tower, a public landmark
    gps[GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (48.0, 51.0, 29.6)
    gps[GPS.GPSLongitudeRef] = "E"
    gps[GPS.GPSLongitude] = (2.0, 17.0, 40.2)
    gps[GPS.GPSAltitudeRef] = b"\x00"
    gps[GPS.GPSAltitude] = 35.0
    return exif


def pride_badge(size: int = 1200) -> Image.Image:
    """Rainbow-ringed badge with a heart and the year."""
    s = size * 2
    c = (s / 2, s / 2)
    badge = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(badge)
    band = 0.021 * s
    outer = 0.49 * s
    for k, colour in enumerate(RAINBOW):
        r = outer - k * band
        draw.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), fill=(*colour, 255))
    r = outer - 6 * band
    draw.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), fill=(255, 255, 255, 255))
    r -= 0.012 * s
    disc = Image.new("L", (s, s), 0)
    ImageDraw.Draw(disc).ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), fill=255)
    paint = angled_gradient((s, s), [(0.2, (70, 30, 110)), (0.8, (26, 14, 56))], 30)
    paint = screen_colour(paint, soft_spot((s, s), (c[0], 0.4 * s), 0.4 * s, 0.5), (255, 90, 170))
    badge.paste(paint, (0, 0), disc)
    draw = ImageDraw.Draw(badge)
    draw.polygon(heart((c[0], 0.4 * s), 0.36 * s), fill=(255, 255, 255, 255))
    draw.text(
        (c[0], 0.7 * s),
        "PRIDE",
        font=load_font("bold", round(0.14 * s)),
        fill=(255, 255, 255, 255),
        anchor="ms",
    )
    draw.text(
        (c[0], 0.8 * s),
        "2026",
        font=load_font("bold", round(0.075 * s)),
        fill=(255, 206, 232, 255),
        anchor="ms",
    )
    return badge.resize((size, size), LANCZOS)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def save_jpeg(img: Image.Image, path: Path, exif: Image.Exif | None = None) -> None:
    """Save a JPEG with fixed settings (and optional EXIF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, object] = {"quality": JPEG_QUALITY, "optimize": True, "subsampling": "4:2:0"}
    if exif is not None:
        options["exif"] = exif
    img.save(path, "JPEG", **options)


def save_png(img: Image.Image, path: Path) -> None:
    """Save a PNG with maximum lossless compression."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "PNG", optimize=True)


def main() -> None:
    """Render every sample file into ``campaigns/<slug>/artwork/``."""
    winter = CAMPAIGNS / "winter-wellbeing" / "artwork"
    save_jpeg(winter_hero(), winter / "hero.jpg")
    save_png(winter_badge(), winter / "badge.png")
    save_png(winter_frame(), winter / "frame.png")

    spring = CAMPAIGNS / "spring-launch" / "artwork"
    save_jpeg(spring_hero(), spring / "hero.jpg")
    badge = spring_badge()
    save_png(badge, spring / "badge.png")
    save_png(spring_signature(badge), spring / "signature.png")

    pride = CAMPAIGNS / "pride-2026" / "artwork"
    # Stored turned 90 degrees anticlockwise and tagged Orientation=6, like a
    # phone photo; ImageOps.exif_transpose() turns it back to landscape.
    stored = pride_hero().transpose(Image.Transpose.ROTATE_90)
    save_jpeg(stored, pride / "hero.jpg", exif=pride_exif())
    save_png(pride_badge(), pride / "badge.png")

    for path in sorted(CAMPAIGNS.glob("*/artwork/*")):
        with Image.open(path) as im:
            size = f"{im.width}x{im.height} {im.mode}"
            print(f"{path.relative_to(ROOT)}  {size}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
