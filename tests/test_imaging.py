from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from kitgen import encoding, imaging
from kitgen.imaging import RenderSpec

# --- pure geometry -------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "dst", "focus", "box"),
    [
        ((2000, 1000), (100, 100), (0.5, 0.5), (500, 0, 1500, 1000)),
        ((2000, 1000), (100, 100), (0.0, 0.5), (0, 0, 1000, 1000)),
        ((2000, 1000), (100, 100), (1.0, 0.5), (1000, 0, 2000, 1000)),
        ((1000, 1000), (400, 100), (0.5, 0.0), (0, 0, 1000, 250)),
        ((1000, 1000), (400, 100), (0.5, 0.5), (0, 375, 1000, 625)),
        ((1584, 396), (1584, 396), (0.2, 0.9), (0, 0, 1584, 396)),
    ],
)
def test_cover_box_fills_the_target_around_the_focus(
    src: tuple[int, int], dst: tuple[int, int], focus: tuple[float, float], box: tuple[int, ...]
) -> None:
    assert imaging.cover_box(*src, *dst, focus) == pytest.approx(box)


@pytest.mark.parametrize("focus", [(0.05, 0.5), (0.95, 0.1), (0.5, 0.5), (0.1, 0.9), (0.9, 0.9)])
def test_circle_box_keeps_the_focus_inside_the_circle(focus: tuple[float, float]) -> None:
    box = imaging.circle_box(3000, 2000, 400, 400, focus)
    assert imaging.focus_offset(box, 3000, 2000, focus) <= imaging.CIRCLE_SAFE_RADIUS + 1e-9
    assert box[0] >= 0 and box[1] >= 0 and box[2] <= 3000 and box[3] <= 2000
    assert box[2] - box[0] == pytest.approx(box[3] - box[1])


@pytest.mark.parametrize(
    ("src", "dst", "size"),
    [((2000, 1000), (400, 400), (400, 200)), ((500, 1000), (1500, 500), (250, 500))],
)
def test_contain_size_fits_the_whole_image(
    src: tuple[int, int], dst: tuple[int, int], size: tuple[int, int]
) -> None:
    assert imaging.contain_size(*src, *dst) == size


@pytest.mark.parametrize("orientation", range(1, 9))
def test_raw_box_maps_back_to_the_stored_pixels(orientation: int) -> None:
    raw_w, raw_h = 60, 40
    up_w, up_h = imaging.oriented_size(raw_w, raw_h, orientation)
    raw = Image.new("L", (raw_w, raw_h))
    raw.putdata(list(range(raw_w * raw_h)))  # every pixel unique (mod 256 is enough here)
    raw = raw.convert("I")
    raw.putdata(list(range(raw_w * raw_h)))
    upright = raw.transpose(imaging._TRANSPOSE[orientation]) if orientation != 1 else raw
    assert upright.size == (up_w, up_h)
    x0, y0, x1, y1 = imaging.raw_box((3, 5, 4, 6), orientation, raw_w, raw_h)
    assert raw.getpixel((int(x0), int(y0))) == upright.getpixel((3, 5))
    assert (x1 - x0, y1 - y0) == (1, 1)


# --- the Pillow step on real files --------------------------------------

RED, BLUE = (220, 20, 20), (20, 40, 200)
INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def marked_upright(size: tuple[int, int] = (600, 400)) -> Image.Image:
    """Blue image with a red marker in the top-left corner."""
    img = Image.new("RGB", size, BLUE)
    img.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    return img


def spec(tmp: Path, width: int, height: int, box: imaging.Box, **kw: object) -> RenderSpec:
    options: dict[str, object] = {
        "fit": "cover",
        "background": "#ffffff",
        "keep_alpha": False,
        "format": "JPEG",
        "max_bytes": 5_000_000,
        "target": str(
            tmp / f"out-{width}x{height}.{'png' if kw.get('format') == 'PNG' else 'jpg'}"
        ),
    }
    options.update(kw)
    return RenderSpec(width=width, height=height, box=box, **options)  # type: ignore[arg-type]


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(tmp_path: Path, orientation: int) -> None:
    upright = marked_upright()
    raw = upright.transpose(INVERSE[orientation]) if orientation != 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    source = tmp_path / "src.jpg"
    raw.save(source, quality=95, exif=exif)

    s = spec(tmp_path, 300, 200, (0, 0, 600, 400))
    imaging.render_source(str(source), [s])
    with Image.open(s.target) as out:
        assert out.size == (300, 200)
        assert close(out.getpixel((10, 10)), RED)
        assert close(out.getpixel((290, 190)), BLUE)
        assert close(out.getpixel((290, 10)), BLUE)


def test_cmyk_jpeg_becomes_srgb_and_upright(tmp_path: Path) -> None:
    cmyk = Image.new("CMYK", (400, 600), (0, 230, 230, 0))  # red ink
    cmyk.paste((255, 180, 0, 0), (0, 0, 100, 100))  # blue ink in the raw top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the blue corner ends up top-right
    source = tmp_path / "cmyk.jpg"
    cmyk.save(source, quality=95, exif=exif)

    s = spec(tmp_path, 300, 200, (0, 0, 600, 400))
    imaging.render_source(str(source), [s])
    with Image.open(s.target) as out:
        assert out.mode == "RGB" and out.size == (300, 200)
        r, g, b = out.getpixel((150, 150))
        assert r > 180 and g < 90 and b < 90
        r, g, b = out.getpixel((290, 10))
        assert b > r and b > 120


def test_outputs_carry_no_metadata(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "meta.jpg"
    marked_upright().save(source, exif=exif, icc_profile=icc, comment=b"secret comment")
    png_source = tmp_path / "meta.png"
    marked_upright().convert("RGBA").save(png_source, exif=exif, pnginfo=None)

    jpeg = spec(tmp_path, 120, 80, (0, 0, 600, 400))
    png = spec(tmp_path, 60, 40, (0, 0, 600, 400), format="PNG", keep_alpha=True)
    imaging.render_source(str(source), [jpeg])
    imaging.render_source(str(png_source), [png])
    for target in (jpeg.target, png.target):
        data = Path(target).read_bytes()
        for secret in (
            b"Exif",
            b"SecretCam",
            b"secret comment",
            b"GPS",
            b"eXIf",
            b"iCCP",
            b"ICC_PROFILE",
        ):
            assert secret not in data, (target, secret)
        with Image.open(target) as out:
            assert not out.getexif()
            assert "icc_profile" not in out.info


def test_byte_limit_is_met_at_the_best_quality_that_fits(tmp_path: Path) -> None:
    rng = random.Random(1)
    small = Image.frombytes(
        "RGB", (200, 200), bytes(rng.randrange(256) for _ in range(200 * 200 * 3))
    )
    source = tmp_path / "noise.png"
    small.resize((800, 800), Image.Resampling.BICUBIC).save(source)
    limit = 120_000
    s = spec(tmp_path, 800, 800, (0, 0, 800, 800), max_bytes=limit)
    imaging.render_source(str(source), [s])
    data = Path(s.target).read_bytes()
    assert len(data) <= limit
    # The quality chosen is the highest that fits: one step up would not have.
    with Image.open(source) as img:
        rgb = img.convert("RGB")
        # Top quality with full colour resolution did not fit; nor did one step up.
        assert len(encoding._jpeg(rgb, encoding.JPEG_MAX_QUALITY, "4:4:4")) > limit
        quality = next(
            q for q in range(encoding.JPEG_MAX_QUALITY, 0, -1) if encoding._jpeg(rgb, q) == data
        )
        assert quality < encoding.JPEG_MAX_QUALITY
        assert len(encoding._jpeg(rgb, quality + 1)) > limit


def test_transparent_source_is_flattened_onto_the_background_for_jpeg(tmp_path: Path) -> None:
    source = tmp_path / "alpha.png"
    Image.new("RGBA", (200, 200), (0, 0, 0, 0)).save(source)
    s = spec(tmp_path, 100, 100, (0, 0, 200, 200), background="#ffcc00")
    imaging.render_source(str(source), [s])
    with Image.open(s.target) as out:
        assert close(out.getpixel((50, 50)), (255, 204, 0), 8)


def test_transparency_is_kept_in_png(tmp_path: Path) -> None:
    source = tmp_path / "ring.png"
    ring = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ring.paste((200, 0, 0, 255), (0, 0, 200, 20))
    ring.save(source)
    s = spec(tmp_path, 100, 100, (0, 0, 200, 200), format="PNG", keep_alpha=True)
    imaging.render_source(str(source), [s])
    with Image.open(s.target) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((50, 60))[3] == 0
        assert out.getpixel((50, 2))[3] == 255


def test_contain_pads_with_the_background_colour(tmp_path: Path) -> None:
    source = tmp_path / "wide.png"
    Image.new("RGB", (400, 100), RED).save(source)
    s = spec(tmp_path, 200, 200, (0, 0, 400, 100), fit="contain", background="#00ff00")
    imaging.render_source(str(source), [s])
    with Image.open(s.target) as out:
        assert close(out.getpixel((100, 5)), (0, 255, 0))
        assert close(out.getpixel((100, 100)), RED)
