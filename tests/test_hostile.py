"""Hostile input: every bad file gets one clean line, exit 1, and the previous kit untouched."""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable

import pytest
from PIL import Image

from kitgen.errors import ContentError

from .conftest import Workspace, snapshot, write_image

# Address space for a build under test: ample for kitgen, a tenth of what decoding the
# 60000 × 60000 bomb would take, so "refused before allocating" is checked, not assumed.
MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def kitgen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true"}
    return subprocess.run(
        [sys.executable, "-m", "kitgen", *args],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
    )


# --- the bad files ---------------------------------------------------------


def _encoded(fmt: str, size: tuple[int, int] = (2000, 1200), **options: object) -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buf, fmt, **options)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb() -> bytes:
    """A 200-byte PNG whose header declares 60000 × 60000 pixels (10.8 GB decoded)."""
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def png_with_chunk(kind: bytes, data: bytes) -> bytes:
    png = _encoded("PNG")
    return png[:33] + _chunk(kind, data) + png[33:]  # right after IHDR


def corrupt_png() -> bytes:
    png = bytearray(_encoded("PNG"))
    idat = png.index(b"IDAT")
    png[idat + 20 : idat + 40] = bytes(20)  # damaged pixel data; its CRC no longer matches
    return bytes(png)


def frames(fmt: str) -> bytes:
    buf = io.BytesIO()
    images = [Image.new("RGB", (2000, 1200), c) for c in ("red", "green", "blue")]
    images[0].save(buf, fmt, save_all=True, append_images=images[1:], duration=100)
    return buf.getvalue()


FIX = {
    "empty": "the file is empty — export the artwork again",
    "truncated": "the file is cut short (truncated) — copy or export it again",
    "corrupt": "not a readable image (damaged or corrupt) — export it again as PNG or JPEG",
    "unreadable": (
        "not a readable image (corrupt, truncated or not an image) — export it again as PNG or JPEG"
    ),
    "text": "is a text file, not an image — export the artwork as PNG or JPEG",
    "bomb": (
        "60000×60000 pixels is over the limit of 100 megapixels — export it smaller,"
        " or raise max_source_megapixels in kitgen.toml"
    ),
    "metadata": "carries 10.0 MB of metadata (over 8 MB) — export it again without metadata",
    "big-chunk": "a metadata block is too large to read safely — export it again",
    "frames": (
        "has 3 frames (animated or multi-page) — export the one you want as a single PNG or JPEG"
    ),
}

BAD_FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.jpg", lambda: b"", FIX["empty"]),
    ("truncated.jpg", lambda: _encoded("JPEG")[:20_000], FIX["truncated"]),
    ("truncated.png", lambda: _encoded("PNG")[:-300], FIX["truncated"]),
    ("corrupt.png", corrupt_png, FIX["corrupt"]),
    ("corrupt.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, FIX["unreadable"]),
    ("notes.jpg", lambda: b"Meeting notes\nBring the banner.\n", FIX["text"]),
    ("bomb.png", png_bomb, FIX["bomb"]),
    ("huge-icc.jpg", lambda: _encoded("JPEG", icc_profile=b"\0" * 10_000_000), FIX["metadata"]),
    ("huge-text.png", lambda: png_with_chunk(b"zTXt", b"k\0\0" + zlib.compress(bytes(20 << 20))),
     FIX["big-chunk"]),
    ("huge-exif.png", lambda: png_with_chunk(b"eXIf", b"MM\0*" + bytes(10_000_000)),
     FIX["metadata"]),
    ("animated.png", lambda: frames("PNG"), FIX["frames"]),
    ("animated.webp", lambda: frames("WEBP"), FIX["frames"]),
    ("pages.tiff", lambda: frames("TIFF"), FIX["frames"]),
    ("bitmap.bmp", lambda: _encoded("BMP"), "BMP images are not supported — export as PNG or JPEG"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "problem"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_one_line_exit_1_and_the_kit_stays(
    kit: Workspace, name: str, make: Callable[[], bytes], problem: str
) -> None:
    simple = kit
    before = snapshot(simple.out)
    folder = simple.root / "campaigns" / "simple"
    (folder / "artwork" / name).write_bytes(make())
    toml = folder / "campaign.toml"
    toml.write_text(toml.read_text().replace("artwork/hero.jpg", f"artwork/{name}"))

    result = kitgen("build", "--root", str(simple.root), "--jobs", "1")

    assert result.returncode == 1, result.stderr
    assert result.stderr == f"Error: campaigns/simple/artwork/{name}: {problem}\n"
    assert snapshot(simple.out) == before
    assert sorted(p.name for p in simple.root.iterdir()) == [
        ".kitgen-cache",
        ".output.lock",
        "campaigns",
        "output",
    ]


def test_the_pixel_limit_is_a_setting(simple: Workspace) -> None:
    (simple.root / "kitgen.toml").write_text("max_source_megapixels = 2\n")
    with pytest.raises(
        ContentError,
        match="hero.jpg: 2000×1200 pixels is over the limit of 2 megapixels — export it smaller,"
        " or raise max_source_megapixels in kitgen.toml",
    ):
        simple.build()
    (simple.root / "kitgen.toml").write_text("max_source_megapixels = 2.5\n")
    assert simple.build().images == 4


@pytest.mark.parametrize("value", ["'lots'", "0", "true", "100000"])
def test_a_bad_pixel_limit_is_a_config_error(simple: Workspace, value: str) -> None:
    (simple.root / "kitgen.toml").write_text(f"max_source_megapixels = {value}\n")
    with pytest.raises(
        ContentError,
        match=r"kitgen.toml: expected a number of megapixels from 1 to 10000"
        r" \(max_source_megapixels\)",
    ):
        simple.build()


def test_phone_jpegs_with_a_second_picture_are_read(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "c",
        """
        title = "C"
        platforms = ["zoom"]
        [[artwork]]
        file = "artwork/phone.jpg"
        slots = ["background"]
        alt = "A photo"
        """,
    )
    photo = Image.new("RGB", (2000, 1200), "teal")
    depth = Image.new("RGB", (500, 300), "grey")
    (folder / "artwork").mkdir()
    photo.save(folder / "artwork" / "phone.jpg", "MPO", save_all=True, append_images=[depth])
    with Image.open(folder / "artwork" / "phone.jpg") as img:
        assert img.format == "MPO" and getattr(img, "n_frames", 1) == 2
    assert workspace.build().images == 1


def test_an_animated_gif_gives_its_first_frame_and_check_and_build_say_so(
    workspace: Workspace,
) -> None:
    # The one multi-frame kind that is read: GIF is how artwork arrives from chat tools.
    folder = workspace.campaign(
        "c",
        'title = "C"\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "artwork/wave.gif"\nslots = ["background"]\nalt = "A"\n',
    )
    (folder / "artwork").mkdir()
    (folder / "artwork" / "wave.gif").write_bytes(frames("GIF"))
    warning = (
        "warning: campaigns/c/artwork/wave.gif: an animated GIF (3 frames); the kit uses its"
        " first frame — export the frame you want as PNG to use another\n"
    )

    check = kitgen("check", "--root", str(workspace.root))
    build = kitgen("build", "--root", str(workspace.root), "--jobs", "1")

    assert check.returncode == 0 and warning in check.stderr
    assert build.returncode == 0 and warning in build.stderr and "1 warning" in build.stdout
    images = sorted(workspace.out.glob("c/**/*.jpg"))
    assert images
    for path in images:
        with Image.open(path) as img:
            red, green, blue = img.convert("RGB").resize((1, 1)).getpixel((0, 0))  # type: ignore[misc]
            assert red > 200 and green < 40 and blue < 40, path  # the first frame is red


def test_png_data_in_a_jpg_file_still_builds(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "c",
        'title = "C"\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "a.jpg"\nslots = ["background"]\nalt = "A"\n',
    )
    write_image(folder / "a.jpg", (1920, 1080), format="PNG")
    assert workspace.build().images == 1
