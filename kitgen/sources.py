"""Inspect each artwork file before anything is made: what it is, and whether it is safe.

Only headers are read here, never pixels (except a frame's alpha, once per
content): a broken, hostile or unsupported file is refused with one line that
names it and says what to do, before the build starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import struct
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kitgen import imaging
from kitgen.errors import ContentError, io_problem
from kitgen.memo import Passed
from kitgen.paths import display_path

log = logging.getLogger("kitgen")


# Refuse before decoding: 100 megapixels is a 10000×10000 poster, far above any preset.
# kitgen.toml's max_source_megapixels raises it.
DEFAULT_MAX_PIXELS = 100_000_000
# Real colour profiles and camera metadata stay well under a megabyte or two; more than
# this in one file is a crafted or broken file, and reading it would cost memory for nothing.
MAX_METADATA_BYTES = 8_000_000
# What Pillow raises on malformed bytes besides OSError: a hostile file can reach any of these
# from deep inside a format plugin, and each means "this file cannot be read", not a bug here.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
# A frame lies over a person's photo, so the photo must show through somewhere: at least this
# share of its pixels must be see-through (alpha below half). A ring or a bottom banner leaves
# far more than this; a logo with only anti-aliased edges leaves far less.
FRAME_MIN_CLEAR = 0.10
FRAME_CLEAR_BELOW = 128


@dataclass(frozen=True)
class Source:
    path: Path
    label: str  # as a person names it: campaigns/<slug>/artwork/hero.jpg
    sha256: str
    format: str
    width: int  # upright, after EXIF orientation
    height: int
    has_alpha: bool


@contextlib.contextmanager
def pixel_limit(pixels: int | None) -> Iterator[None]:
    """Set Pillow's decompression-bomb limit for the block (Pillow keeps it process-wide)."""
    before = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = before


@dataclass(frozen=True)
class Kind:
    """A kind of file an artwork may (or may not) be: what it is called and how to spot it."""

    name: str
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...] = ()
    offset: int = 0
    export: str = ""


@cache
def source_kinds() -> tuple[dict[str, Kind], tuple[Kind, ...]]:
    """Return the readable kinds by Pillow format, and the refused kinds, from data/formats.toml."""
    text = resources.files("kitgen").joinpath("data/formats.toml").read_text("utf-8")
    doc = tomllib.loads(text)
    readable = {
        fmt: Kind(entry["name"], tuple(entry["extensions"]))
        for fmt, entry in doc["supported"].items()
    }
    refused = tuple(
        Kind(
            entry["name"],
            tuple(entry["extensions"]),
            # Magic strings are written as text; each character stands for one byte.
            tuple(m.encode("latin-1") for m in entry.get("magic", [])),
            entry.get("offset", 0),
            entry["export"],
        )
        for entry in doc["unsupported"]
    )
    return readable, refused


def refused_kind(head: bytes, suffix: str) -> Kind | None:
    """Return the unsupported kind a file is, by its first bytes or its extension."""
    stripped = head.lstrip()
    for kind in source_kinds()[1]:
        data = head[kind.offset :] if kind.offset else stripped
        if any(data.startswith(m) for m in kind.magic) or suffix.lower() in kind.extensions:
            return kind
    return None


def inspect_source(path: Path, root: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Source:
    """Read an artwork's header (not its pixels) and hash its bytes; refuse what is unsafe."""
    label = display_path(path, root)
    try:
        with path.open("rb") as handle:  # streamed: a multi-gigabyte file costs no memory
            head = handle.read(64)
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
            empty = handle.tell() == 0
    except OSError as exc:
        raise ContentError([io_problem(exc, label)]) from None
    if empty:
        raise ContentError([f"{label}: the file is empty — export the artwork again"])
    # Before Pillow is asked: it opens a Photoshop file's flattened preview or a RAW file's
    # thumbnail, which are not the artwork.
    refused = refused_kind(head, path.suffix)
    if refused is not None:
        raise ContentError([f"{label}: {refused.name} are not supported — {refused.export}"])
    try:
        # Corrupt EXIF makes Pillow warn; the file is judged by what can be read, so hush it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _inspect(path, label, digest, max_pixels)
    except UnidentifiedImageError:
        raise ContentError([_unreadable(label, path)]) from None
    except DECODE_ERRORS as exc:
        raise ContentError([decode_problem(label, exc)]) from None


def _open(path: Path) -> Image.Image:
    # Pillow's own check would refuse before we learn the size; ours runs on the header
    # right after, with the workspace's limit, still before any pixel is decoded.
    with pixel_limit(None):
        return Image.open(path)


def _inspect(path: Path, label: str, digest: str, max_pixels: int) -> Source:
    with _open(path) as img:
        kind = source_kinds()[0].get(img.format or "")
        if kind is None:
            raise ContentError(
                [f"{label}: {img.format} images are not supported — export as PNG or JPEG"]
            )
        if img.width * img.height > max_pixels:
            raise ContentError(
                [
                    f"{label}: {img.width}×{img.height} pixels is over the limit of"
                    f" {max_pixels / 1_000_000:g} megapixels — export it smaller, or raise"
                    " max_source_megapixels in kitgen.toml"
                ]
            )
        metadata = _metadata_bytes(img)
        if metadata > MAX_METADATA_BYTES:
            raise ContentError(
                [
                    f"{label}: carries {metadata / 1_000_000:.1f} MB of metadata (over"
                    f" {MAX_METADATA_BYTES / 1_000_000:g} MB) — export it again without metadata"
                ]
            )
        frames = getattr(img, "n_frames", 1)
        if frames > 1 and img.format == "GIF":
            # GIF is how artwork arrives from chat tools; its first frame is usually the still.
            log.warning(
                "%s: an animated GIF (%d frames); the kit uses its first frame — export the"
                " frame you want as PNG to use another",
                label,
                frames,
            )
        # MPO is how phones store a JPEG with a depth map or preview: the first image is the photo.
        elif frames > 1 and img.format != "MPO":
            raise ContentError(
                [
                    f"{label}: has {frames} frames (animated or multi-page) — export the one"
                    " you want as a single PNG or JPEG"
                ]
            )
        if img.format == "PNG":
            img.verify()  # checks every chunk's CRC up to IEND: finds truncation and corruption
    if path.suffix.lower() not in kind.extensions:
        log.warning(
            "%s: the file is %s data despite its name; read as %s", label, kind.name, kind.name
        )
    with _open(path) as img:  # afresh: verify() leaves an image unusable
        orientation = imaging.exif_orientation(img)
        width, height = imaging.oriented_size(img.width, img.height, orientation)
        has_alpha = img.mode in imaging.ALPHA_MODES or "transparency" in img.info
    return Source(path, label, digest, kind.name, width, height, has_alpha)


def _metadata_bytes(img: Image.Image) -> int:
    return sum(len(v) for v in img.info.values() if isinstance(v, bytes | str))


def decode_problem(label: str, exc: BaseException) -> str:
    """Describe why an image's bytes cannot be read, as one line with what to do."""
    text = str(exc).lower()
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return (
            f"{label}: too many pixels to decode safely — export it smaller, or raise"
            " max_source_megapixels in kitgen.toml"
        )
    if isinstance(exc, EOFError) or "truncated" in text or "end of file" in text:
        return f"{label}: the file is cut short (truncated) — copy or export it again"
    if "too large" in text:
        return f"{label}: a metadata block is too large to read safely — export it again"
    return f"{label}: not a readable image (damaged or corrupt) — export it again as PNG or JPEG"


def frame_memo(cache: Path) -> Passed:
    """Return the record of source contents this code already accepted as frames."""
    return Passed(cache, "frame", [Path(__file__).read_bytes()])


def frame_problem(source: Source) -> str | None:
    """Say why a source cannot be a frame (a PNG with a see-through area), or None if it can."""
    if source.format != "PNG":
        return (
            f"{source.label}: a frame must be a PNG with a transparent area, not {source.format}"
            " — export it as PNG with transparency"
        )
    if not source.has_alpha:
        return (
            f"{source.label}: a frame needs an alpha channel (transparency), and this PNG has none"
            " — export it with a transparent area where the photo shows through"
        )
    # The one pixel read at planning time: only the alpha channel, of frames only.
    try:
        with _open(source.path) as img:
            alpha = img.convert("RGBA").getchannel("A")
    except DECODE_ERRORS as exc:
        return decode_problem(source.label, exc)
    histogram = alpha.histogram()
    clear = sum(histogram[:FRAME_CLEAR_BELOW]) / (alpha.width * alpha.height)
    if clear < FRAME_MIN_CLEAR:
        return (
            f"{source.label}: a frame needs a transparent area for the photo to show through,"
            f" but only {clear:.0%} of it is see-through (at least {FRAME_MIN_CLEAR:.0%})"
            " — export it with a transparent centre"
        )
    return None


def _unreadable(label: str, path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(64)
    hints = {
        b"%PDF": "PDF",
        b"<svg": "SVG",
        b"<?xm": "SVG",
        b"8BPS": "Photoshop",
    }
    for magic, name in hints.items():
        if head.startswith(magic):
            return f"{label}: {name} files are not supported — export it as PNG or JPEG"
    if b"ftypheic" in head or b"ftypheix" in head or b"ftypmif1" in head:
        return f"{label}: HEIC files are not supported — export it as JPEG"
    if _looks_like_text(head):
        return f"{label}: is a text file, not an image — export the artwork as PNG or JPEG"
    return (
        f"{label}: not a readable image (corrupt, truncated or not an image)"
        " — export it again as PNG or JPEG"
    )


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")  # the head cut a character in two
    return bool(text) and all(c.isprintable() or c in "\t\r\n" for c in text)
