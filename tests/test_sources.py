"""Every kind of source kitgen promises to read, with pixels checked, and every kind it refuses."""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from benchmarks.quality import exact_lanczos, psnr
from kitgen import imaging
from kitgen.errors import ContentError
from kitgen.imaging import RenderSpec
from kitgen.sources import inspect_source

RED, BLUE = (220, 30, 30), (30, 50, 200)
SIZE = (300, 200)


def halves(mode: str = "RGB") -> Image.Image:
    """Red left half, blue right half: a crop or a colour shift shows at once."""
    img = Image.new("RGB", SIZE, RED)
    img.paste(BLUE, (SIZE[0] // 2, 0, SIZE[0], SIZE[1]))
    return img.convert(mode)


def spec(tmp: Path, fmt: str = "JPEG", keep_alpha: bool = False, **kw: object) -> RenderSpec:
    options: dict[str, object] = {
        "width": 150,
        "height": 100,
        "box": (0.0, 0.0, float(SIZE[0]), float(SIZE[1])),
        "fit": "cover",
        "background": "#ffffff",
        "keep_alpha": keep_alpha,
        "format": fmt,
        "max_bytes": 5_000_000,
        "target": str(tmp / f"out.{fmt.lower()}"),
    }
    options.update(kw)
    return RenderSpec(**options)  # type: ignore[arg-type]


def render(path: Path, s: RenderSpec) -> Image.Image:
    imaging.render_source(str(path), [s])
    with Image.open(s.target) as out:
        out.load()
        return out


def near(pixel: object, colour: tuple[int, ...], tolerance: int = 24) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def png16(path: Path, img: Image.Image) -> None:
    """Write a 16-bit-per-channel RGB PNG by hand: Pillow only writes 8-bit RGB."""
    rows = b"".join(
        b"\0"
        + b"".join(
            struct.pack(">HHH", *(v * 257 for v in img.getpixel((x, y))))  # type: ignore[union-attr]
            for x in range(img.width)
        )
        for y in range(img.height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", img.width, img.height, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def tiff16(path: Path, img: Image.Image) -> None:
    """Write an uncompressed 16-bit-per-channel RGB, RGBA or CMYK TIFF by hand.

    Pillow reads these (scanners and print workflows make them) but only writes 8-bit
    colour TIFFs. Baseline TIFF, little-endian, one strip; each 8-bit value v is stored
    as v * 257, so 128 becomes 0x8080 and a reader that clips instead of scaling shows 255.
    """
    bands = len(img.getbands())
    photometric = {"RGB": 2, "RGBA": 2, "CMYK": 5}[img.mode]
    pixels = b"".join(
        struct.pack(f"<{bands}H", *(v * 257 for v in img.getpixel((x, y))))  # type: ignore[union-attr]
        for y in range(img.height)
        for x in range(img.width)
    )
    bits = struct.pack(f"<{bands}H", *[16] * bands)  # over 4 bytes: stored outside the IFD
    bits_at, pixels_at = 8, 8 + len(bits)
    short, long = 3, 4
    entries = [
        (256, long, 1, img.width),  # ImageWidth
        (257, long, 1, img.height),  # ImageLength
        (258, short, bands, bits_at),  # BitsPerSample
        (259, short, 1, 1),  # Compression: none
        (262, short, 1, photometric),  # PhotometricInterpretation
        (273, long, 1, pixels_at),  # StripOffsets
        (277, short, 1, bands),  # SamplesPerPixel
        (278, long, 1, img.height),  # RowsPerStrip: one strip
        (279, long, 1, len(pixels)),  # StripByteCounts
        (284, short, 1, 1),  # PlanarConfiguration: chunky
    ]
    if img.mode == "RGBA":
        entries.append((338, short, 1, 2))  # ExtraSamples: unassociated alpha
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        # A lone short sits left-justified in the 4-byte value field; counts above fit use offsets.
        field = struct.pack("<HH", value, 0) if kind == short and count == 1 else None
        ifd += struct.pack("<HHI", tag, kind, count) + (field or struct.pack("<I", value))
    ifd += struct.pack("<I", 0)  # no next IFD
    header = b"II*\0" + struct.pack("<I", pixels_at + len(pixels))
    path.write_bytes(header + bits + pixels + ifd)


def _ycck(cmyk: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Return the values libjpeg stores for one Adobe CMYK pixel when it writes YCCK."""
    # Adobe files store inverted inks (c' = 255 - c); libjpeg's YCCK is JFIF YCbCr of
    # (255 - c', 255 - m', 255 - y') = (c, m, y), with k' passed through unchanged.
    r, g, b, k = cmyk
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return (*(min(255, max(0, round(v))) for v in (y, cb, cr)), 255 - k)  # type: ignore[return-value]


def ycck_jpeg(path: Path, img: Image.Image) -> None:
    """Write a CMYK image as a YCCK JPEG (Adobe marker, transform 2), as Photoshop can.

    Pillow only writes plain CMYK JPEGs: it inverts each value the Adobe way and libjpeg
    stores them with an Adobe APP14 marker saying transform 0 (no colour transform). So
    the YCCK values are computed here, pre-inverted to cancel Pillow's inversion, saved
    losslessly enough (quality 100, no subsampling), and the marker's transform byte is
    patched to 2, which tells any decoder to turn YCC back into inverted CMY first.
    """
    raw = img.tobytes()
    stored: dict[bytes, bytes] = {}  # one conversion per distinct colour: patches are flat
    for i in range(0, len(raw), 4):
        pixel = raw[i : i + 4]
        if pixel not in stored:
            stored[pixel] = bytes(255 - v for v in _ycck(tuple(pixel)))  # type: ignore[arg-type]
    ycck = Image.frombytes(
        "CMYK", img.size, b"".join(stored[raw[i : i + 4]] for i in range(0, len(raw), 4))
    )
    buf = io.BytesIO()
    ycck.save(buf, "JPEG", quality=100, subsampling=0)
    data = bytearray(buf.getvalue())
    # APP14: FF EE, length 14, "Adobe", version (2), flags0 (2), flags1 (2), transform (1).
    marker = data.find(b"\xff\xee\x00\x0eAdobe")
    assert marker > 0 and data[marker + 15] == 0, "Pillow no longer writes a CMYK Adobe marker"
    data[marker + 15] = 2
    path.write_bytes(bytes(data))


def _palette(transparent: bool) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        img = halves().quantize(4)
        if transparent:
            img.info["transparency"] = img.getpixel((0, 0))
        img.save(path, transparency=img.info.get("transparency"))

    return write


def _gif(path: Path) -> None:
    halves().quantize(8).save(path)


COLOUR_SOURCES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "baseline JPEG": ("jpg", lambda p: halves().save(p, quality=95)),
    "progressive JPEG": ("jpg", lambda p: halves().save(p, quality=95, progressive=True)),
    "PNG 8-bit": ("png", lambda p: halves().save(p)),
    "PNG 16-bit": ("png", lambda p: png16(p, halves())),
    "palette PNG": ("png", _palette(transparent=False)),
    "RGBA PNG": ("png", lambda p: halves("RGBA").save(p)),
    "lossy WebP": ("webp", lambda p: halves().save(p, quality=95)),
    "lossless WebP": ("webp", lambda p: halves().save(p, lossless=True)),
    "alpha WebP": ("webp", lambda p: halves("RGBA").save(p, lossless=True)),
    "TIFF": ("tif", lambda p: halves().save(p)),
    "TIFF 16-bit": ("tif", lambda p: tiff16(p, halves())),
    "RGBA TIFF 16-bit": ("tif", lambda p: tiff16(p, halves("RGBA"))),
    "MPO (camera JPEG with a second frame)": (
        "jpg",
        lambda p: halves().save(p, "MPO", save_all=True, append_images=[Image.new("RGB", SIZE)]),
    ),
    "GIF": ("gif", _gif),
}


@pytest.mark.parametrize("kind", list(COLOUR_SOURCES))
def test_every_colour_source_kind_keeps_its_colours_and_layout(tmp_path: Path, kind: str) -> None:
    ext, write = COLOUR_SOURCES[kind]
    source = tmp_path / f"src.{ext}"
    write(source)
    out = render(source, spec(tmp_path))
    assert out.size == (150, 100) and out.mode == "RGB"
    assert near(out.getpixel((20, 50)), RED), kind
    assert near(out.getpixel((130, 50)), BLUE), kind


GREY_SOURCES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "greyscale PNG": ("png", lambda p: Image.new("L", SIZE, 90).save(p)),
    "16-bit greyscale PNG": ("png", lambda p: Image.new("I;16", SIZE, 90 * 257).save(p)),
    "16-bit greyscale TIFF": ("tif", lambda p: Image.new("I;16", SIZE, 90 * 257).save(p)),
    "greyscale JPEG": ("jpg", lambda p: Image.new("L", SIZE, 90).save(p)),
    "1-bit PNG": ("png", lambda p: Image.new("1", SIZE, 0).save(p)),
}


@pytest.mark.parametrize("kind", list(GREY_SOURCES))
def test_greyscale_sources_keep_their_level(tmp_path: Path, kind: str) -> None:
    ext, write = GREY_SOURCES[kind]
    source = tmp_path / f"src.{ext}"
    write(source)
    level = 0 if kind.startswith("1-bit") else 90
    out = render(source, spec(tmp_path))
    assert near(out.getpixel((75, 50)), (level,) * 3, 4), kind


ALPHA_SOURCES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "RGBA PNG": ("png", lambda p: _ring("RGBA").save(p)),
    "LA PNG": ("png", lambda p: _ring("LA").save(p)),
    "palette PNG with transparency": ("png", lambda p: _ring_palette(p)),
    "alpha WebP": ("webp", lambda p: _ring("RGBA").save(p, lossless=True)),
}


def _ring(mode: str) -> Image.Image:
    """Opaque dark band at the top, fully transparent below."""
    img = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    img.paste((40, 40, 40, 255), (0, 0, SIZE[0], 60))
    return img.convert(mode)


def _ring_palette(path: Path) -> None:
    img = Image.new("P", SIZE, 0)
    img.putpalette([255, 0, 255, 40, 40, 40])
    img.paste(1, (0, 0, SIZE[0], 60))
    img.save(path, transparency=0)


@pytest.mark.parametrize("kind", list(ALPHA_SOURCES))
def test_transparency_is_kept_in_png_and_flattened_onto_the_background_in_jpeg(
    tmp_path: Path, kind: str
) -> None:
    ext, write = ALPHA_SOURCES[kind]
    source = tmp_path / f"src.{ext}"
    write(source)
    kept = render(source, spec(tmp_path, "PNG", keep_alpha=True))
    assert kept.mode == "RGBA"
    assert kept.getpixel((75, 10))[3] == 255 and kept.getpixel((75, 80))[3] == 0  # type: ignore[index]
    flat = render(source, spec(tmp_path, background="#ffcc00"))
    assert near(flat.getpixel((75, 10)), (40, 40, 40), 12)
    assert near(flat.getpixel((75, 80)), (255, 204, 0), 6)  # never black by accident


# --- colour management ---------------------------------------------------


def test_untagged_cmyk_goes_through_a_press_profile_not_the_naive_formula(tmp_path: Path) -> None:
    # Pillow writes CMYK JPEGs the way Photoshop does: Adobe marker, inverted values.
    source = tmp_path / "cmyk.jpg"
    img = Image.new("CMYK", SIZE, (255, 0, 0, 0))  # 100 % cyan ink
    img.paste((0, 0, 0, 0), (SIZE[0] // 2, 0, SIZE[0], SIZE[1]))  # bare paper
    img.save(source, quality=95)
    assert b"Adobe" in source.read_bytes()
    out = render(source, spec(tmp_path))
    # Press cyan on coated paper (FOGRA39) is a mid blue, not screen cyan (0, 255, 255).
    assert near(out.getpixel((20, 50)), (0, 159, 228), 14)
    assert near(out.getpixel((130, 50)), (255, 255, 255), 4)


@pytest.mark.parametrize("bits", [8, 16])
def test_cmyk_tiff_is_converted_like_cmyk_jpeg(tmp_path: Path, bits: int) -> None:
    source = tmp_path / "cmyk.tif"
    cyan = Image.new("CMYK", SIZE, (255, 0, 0, 0))
    if bits == 8:
        cyan.save(source)
    else:
        tiff16(source, cyan)
    assert near(render(source, spec(tmp_path)).getpixel((75, 50)), (0, 159, 228), 14)


# 100 % cyan, a press red build and a rich black, in thirds. The naive formula makes the
# first two clearly wrong; the rich black shows whether K (stored apart from YCC) survives.
INKS = ((255, 0, 0, 0), (0, 217, 204, 13), (153, 102, 102, 255))


def inks(scale: int = 1) -> Image.Image:
    """Return the three INKS side by side, SIZE times scale."""
    w, h = SIZE[0] * scale, SIZE[1] * scale
    img = Image.new("CMYK", (w, h))
    for i, ink in enumerate(INKS):
        img.paste(ink, (w * i // 3, 0, w * (i + 1) // 3, h))
    return img


@pytest.mark.parametrize("scale", [1, 4])  # 4: decoded in JPEG draft mode, at 1/4 size
def test_ycck_jpeg_renders_like_the_same_cmyk_jpeg(tmp_path: Path, scale: int) -> None:
    cmyk = inks(scale)
    ycck = tmp_path / "ycck.jpg"
    ycck_jpeg(ycck, cmyk)
    with Image.open(ycck) as opened:
        assert opened.info.get("adobe_transform") == 2  # really YCCK, not plain CMYK
        for i, ink in enumerate(INKS):
            centre = (SIZE[0] * scale * (2 * i + 1) // 6, SIZE[1] * scale // 2)
            assert near(opened.getpixel(centre), ink, 3), ink  # libjpeg reads back the inks
    plain = tmp_path / "cmyk.jpg"
    cmyk.save(plain, quality=95)  # plain Adobe CMYK (transform 0), as Photoshop also writes
    box = (0.0, 0.0, float(SIZE[0] * scale), float(SIZE[1] * scale))
    got = render(ycck, spec(tmp_path, box=box, target=str(tmp_path / "ycck-out.jpg")))
    want = render(plain, spec(tmp_path, box=box, target=str(tmp_path / "cmyk-out.jpg")))
    telling = 0
    for i, ink in enumerate(INKS):
        made, reference = got.getpixel((25 + 50 * i, 50)), want.getpixel((25 + 50 * i, 50))
        assert near(made, reference, 6), ink  # type: ignore[arg-type]
        naive = Image.new("CMYK", (1, 1), ink).convert("RGB").getpixel((0, 0))
        if math.dist(reference, naive) > 30:  # type: ignore[arg-type]
            telling += 1
            assert math.dist(made, naive) > 20, ink  # type: ignore[arg-type]
    assert telling >= 2  # the inks do tell a press conversion from the naive one


# Adobe RGB (1998) and sRGB colorants, adapted to D50 as ICC profiles store them.
ADOBE = ((0.60974, 0.31111, 0.01947), (0.20528, 0.62567, 0.06087), (0.14919, 0.06322, 0.74457))
SRGB = ((0.43607, 0.22249, 0.01392), (0.38515, 0.71687, 0.09708), (0.14307, 0.06061, 0.71410))
ADOBE_GAMMA = 563 / 256


def matrix_profile(colorants: tuple[tuple[float, float, float], ...], gamma: float) -> bytes:
    """Write a minimal ICC v2 matrix/TRC RGB profile, as wide-gamut photos and designs carry."""

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in values)

    desc_text = b"kitgen test wide gamut\0"
    tags = {
        b"desc": b"desc\0\0\0\0"
        + struct.pack(">I", len(desc_text))
        + desc_text
        + b"\0" * 12
        + b"\0" * 67,
        b"wtpt": xyz((0.9642, 1.0, 0.8249)),
        b"rXYZ": xyz(colorants[0]),
        b"gXYZ": xyz(colorants[1]),
        b"bXYZ": xyz(colorants[2]),
        b"rTRC": b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0",
    }
    tags[b"gTRC"] = tags[b"bTRC"] = tags[b"rTRC"]
    table, body = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for sig, data in tags.items():
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
    header += b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
    header += struct.pack(">iii", 63190, 65536, 54061) + b"\0" * 48
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def adobe_to_srgb(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """Convert an Adobe RGB colour to sRGB by the textbook matrices (independent of LittleCMS)."""
    linear = [(v / 255) ** ADOBE_GAMMA for v in rgb]
    x = [sum(ADOBE[c][i] * linear[c] for c in range(3)) for i in range(3)]
    # Solve SRGB^T · s = x by Cramer's rule.
    m = [[SRGB[c][i] for c in range(3)] for i in range(3)]

    def det(a: list[list[float]]) -> float:
        return (
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        )

    d = det(m)
    s = []
    for c in range(3):
        mc = [row[:] for row in m]
        for i in range(3):
            mc[i][c] = x[i]
        s.append(min(1.0, max(0.0, det(mc) / d)))

    def encode(v: float) -> int:
        e = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        return round(e * 255)

    return encode(s[0]), encode(s[1]), encode(s[2])


def test_wide_gamut_icc_source_is_converted_to_srgb(tmp_path: Path) -> None:
    profile = matrix_profile(ADOBE, ADOBE_GAMMA)
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # LittleCMS accepts the hand-made profile
    colour = (60, 150, 60)  # a green well inside sRGB, far from the same numbers in sRGB
    source = tmp_path / "adobe.png"
    Image.new("RGB", SIZE, colour).save(source, icc_profile=profile)
    expected = adobe_to_srgb(colour)
    assert math.dist(expected, colour) > 20  # the conversion must visibly matter
    out = render(source, spec(tmp_path, "PNG"))
    assert near(out.getpixel((75, 50)), expected, 3)
    assert "icc_profile" not in out.info  # outputs are untagged sRGB


# --- geometry ------------------------------------------------------------


def test_the_focal_point_ends_up_inside_the_circle(tmp_path: Path) -> None:
    focus = (0.93, 0.12)
    img = Image.new("RGB", (900, 600), BLUE)
    cx, cy = focus[0] * 900, focus[1] * 600
    img.paste(RED, (int(cx) - 6, int(cy) - 6, int(cx) + 6, int(cy) + 6))
    source = tmp_path / "corner.png"
    img.save(source)
    box = imaging.circle_box(900, 600, 200, 200, focus)
    out = render(source, spec(tmp_path, "PNG", width=200, height=200, box=box))
    red = [
        (x, y)
        for y in range(200)
        for x in range(200)
        if near(out.getpixel((x, y)), RED, 40)  # type: ignore[arg-type]
    ]
    assert red
    mx, my = sum(x for x, _ in red) / len(red), sum(y for _, y in red) / len(red)
    assert math.hypot(mx - 100, my - 100) <= 100 * 2 * imaging.CIRCLE_SAFE_RADIUS + 2


def test_extreme_aspect_and_tiny_sources_still_give_exact_sizes(tmp_path: Path) -> None:
    strip = tmp_path / "strip.png"
    Image.new("RGB", (3000, 40), RED).save(strip)
    box = imaging.cover_box(3000, 40, 400, 400, (0.5, 0.5))
    assert render(strip, spec(tmp_path, width=400, height=400, box=box)).size == (400, 400)
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (3, 2), BLUE).save(tiny)
    box = imaging.cover_box(3, 2, 1500, 500, (0.5, 0.5))
    out = render(tiny, spec(tmp_path, width=1500, height=500, box=box))
    assert out.size == (1500, 500) and near(out.getpixel((750, 250)), BLUE)


def test_reduced_resampling_matches_an_exact_full_size_lanczos(tmp_path: Path) -> None:
    # Detail at every scale: smooth fields and hard edges (a fractal), and colour grain about
    # 12 pixels across, which small outputs shrink to near their finest detail: there the
    # pyramid's box filter differs most from Lanczos, the more so the more halvings.
    size = (2400, 1600)
    rng = random.Random(7)
    coarse = (size[0] // 12, size[1] // 12)
    grain = Image.frombytes("RGB", coarse, rng.randbytes(coarse[0] * coarse[1] * 3))
    fractal = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 200).convert("RGB")
    img = Image.blend(fractal, grain.resize(size, Image.Resampling.BICUBIC), 0.5)
    source = tmp_path / "detail.png"
    img.save(source, compress_level=1)
    sizes = ((200, 200), (640, 360), (700, 460), (400, 400), (1200, 300), (130, 130), (100, 100))
    specs = [
        spec(tmp_path, "PNG", width=w, height=h, box=imaging.cover_box(*size, w, h, (0.4, 0.5)))
        for w, h in sizes
    ]
    for s, made in zip(specs, imaging.render_images(str(source), specs), strict=True):
        exact = exact_lanczos(img, (s.width, s.height), s.box)
        assert psnr(made, exact) >= 45, (s.width, s.height)


# --- refused kinds -------------------------------------------------------

HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64
REFUSED = {
    "photo.heic": (HEIC, "HEIC photos are not supported — export it as JPEG"),
    "logo.svg": (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        "SVG drawings are not supported — export it as PNG at least 3000 px wide",
    ),
    "poster.psd": (
        b"8BPS\0\1" + b"\0" * 64,
        "Photoshop files are not supported — export it as PNG (keeps transparency) or JPEG",
    ),
    "flyer.pdf": (
        b"%PDF-1.7\n" + b"\0" * 64,
        "PDF and Illustrator files are not supported — export the artwork as PNG",
    ),
    "IMG_0001.CR2": (b"", "camera RAW files are not supported — develop it and export it as JPEG"),
    "scan.bmp": (b"", "BMP images are not supported — export as PNG or JPEG"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_unsupported_kinds_name_the_file_and_what_to_export_it_as(
    tmp_path: Path, name: str
) -> None:
    data, message = REFUSED[name]
    path = tmp_path / "campaigns" / "c" / "artwork" / name
    path.parent.mkdir(parents=True)
    if name.endswith(".CR2"):  # RAW files are TIFF inside: only the name tells
        halves().save(path, "TIFF")
    elif name.endswith(".bmp"):
        halves().save(path, "BMP")
    else:
        path.write_bytes(data)
    with pytest.raises(ContentError) as caught:
        inspect_source(path, tmp_path)
    assert caught.value.problems[0].startswith(f"campaigns/c/artwork/{name}: {message}")


@pytest.mark.parametrize(("ext", "orientation"), [("png", 6), ("webp", 8), ("tif", 3)])
def test_exif_orientation_is_applied_beyond_jpeg(
    tmp_path: Path, ext: str, orientation: int
) -> None:
    upright = halves()
    undo = {
        6: Image.Transpose.ROTATE_90,
        8: Image.Transpose.ROTATE_270,
        3: Image.Transpose.ROTATE_180,
    }
    exif = Image.Exif()
    exif[0x0112] = orientation
    source = tmp_path / f"turned.{ext}"
    upright.transpose(undo[orientation]).save(source, exif=exif)
    found = inspect_source(source, tmp_path)
    assert (found.width, found.height) == SIZE
    out = render(source, spec(tmp_path))
    assert near(out.getpixel((20, 50)), RED) and near(out.getpixel((130, 50)), BLUE)


def test_outputs_differing_only_in_byte_limit_share_pixels_but_each_fits(tmp_path: Path) -> None:
    source = tmp_path / "detail.png"
    Image.effect_mandelbrot((600, 400), (-2.2, -1.2, 1.0, 1.2), 100).convert("RGB").save(source)
    roomy = spec(tmp_path, target=str(tmp_path / "a.jpg"), max_bytes=5_000_000)
    also_roomy = spec(tmp_path, target=str(tmp_path / "b.jpg"), max_bytes=4_000_000)
    imaging.render_source(str(source), [roomy, also_roomy])
    top = Path(roomy.target).read_bytes()
    assert Path(also_roomy.target).read_bytes() == top
    tight = spec(tmp_path, target=str(tmp_path / "c.jpg"), max_bytes=len(top) - 1)
    imaging.render_source(str(source), [roomy, tight])
    assert len(Path(tight.target).read_bytes()) <= len(top) - 1


def test_pure_noise_encodes_at_full_colour_resolution(tmp_path: Path) -> None:
    # Noise at 4:4:4 outgrows the one-byte-per-pixel buffer Pillow gives libjpeg.
    source = tmp_path / "noise.png"
    Image.frombytes("RGB", (300, 200), random.Random(1).randbytes(300 * 200 * 3)).save(source)
    out = render(source, spec(tmp_path, width=300, height=200))
    assert out.size == (300, 200)
    assert len(Path(spec(tmp_path).target).read_bytes()) > 300 * 200  # bigger than that buffer
