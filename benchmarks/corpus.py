"""Generate the benchmark corpus: large, photo-like sources in a kitgen workspace.

Nothing is downloaded. The pictures are smooth colour fields with fine grain,
hard-edged shapes and text-like strokes, so JPEG sizes and decode work are those
of real camera photos rather than of flat test cards.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageDraw

# Bump when the corpus changes, so a stale corpus folder is regenerated.
CORPUS_VERSION = "1"


@dataclass(frozen=True)
class Item:
    name: str
    size: tuple[int, int]  # as stored (raw), before EXIF orientation
    kind: str  # jpeg | jpeg-rot | jpeg-icc | jpeg-cmyk | png-alpha
    slots: tuple[str, ...]
    focus: tuple[float, float]


ALL = ("profile", "cover", "background", "signature")
ITEMS = (
    Item("city", (4896, 3264), "jpeg", ALL, (0.5, 0.4)),
    Item("meadow", (4896, 3264), "jpeg", ALL, (0.3, 0.45)),
    Item("team", (4896, 3264), "jpeg", ALL, (0.62, 0.35)),
    Item("office", (4896, 3264), "jpeg", ALL, (0.5, 0.5)),
    Item("portrait", (4896, 3264), "jpeg-rot", ALL, (0.5, 0.3)),
    Item("stage", (4896, 3264), "jpeg-rot", ALL, (0.45, 0.4)),
    Item("sunset", (4896, 3264), "jpeg-icc", ALL, (0.7, 0.5)),
    Item("print", (4000, 5000), "jpeg-cmyk", ALL, (0.5, 0.5)),
    Item("skyline", (6000, 4000), "jpeg", ALL, (0.4, 0.5)),
    Item("badge", (4000, 4000), "png-alpha", ("profile", "frame"), (0.5, 0.5)),
)


def _photo(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Return a photo-like RGB image: soft colour fields, mid detail, grain, hard edges."""
    w, h = size
    fields = Image.frombytes("RGB", (12, 8), rng.randbytes(12 * 8 * 3)).resize(
        size, Image.Resampling.BICUBIC
    )
    detail = Image.frombytes("RGB", (w // 16, h // 16), rng.randbytes((w // 16) * (h // 16) * 3))
    detail = detail.resize(size, Image.Resampling.BILINEAR)
    img = Image.blend(fields, detail, 0.18)
    grain = Image.effect_noise(size, 9).convert("RGB")
    img = ImageChops.add(img, grain, scale=1.0, offset=-128)
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(w // 60, w // 8)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), outline=colour, width=r // 12)
    for _ in range(12):  # thin strokes, like small print on a poster
        x, y = rng.randrange(w - 400), rng.randrange(h - 40)
        draw.line((x, y, x + rng.randrange(100, 400), y), fill=(250, 250, 250), width=3)
    return img


def _badge(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Return a logo-like RGBA image: a solid disc and ring on transparency."""
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    w, h = size
    colour = tuple(rng.randrange(256) for _ in range(3))
    draw.ellipse((w * 0.08, h * 0.08, w * 0.92, h * 0.92), fill=(*colour, 255))
    draw.ellipse((w * 0.2, h * 0.2, w * 0.8, h * 0.8), outline=(255, 255, 255, 255), width=w // 40)
    return img


def _write(item: Item, path: Path, rng: random.Random) -> None:
    if item.kind == "png-alpha":
        _badge(item.size, rng).save(path, compress_level=3)
        return
    img = _photo(item.size, rng)
    options: dict[str, object] = {"quality": 90}
    if item.kind == "jpeg-rot":
        exif = Image.Exif()
        exif[0x0112] = 6  # stored sideways, like a phone photo taken upright
        options["exif"] = exif.tobytes()
    if item.kind == "jpeg-icc":
        adobe = Path("/usr/share/color/icc/colord/AdobeRGB1998.icc")
        profile = (
            adobe.read_bytes()
            if adobe.is_file()
            else ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        )
        options["icc_profile"] = profile
    if item.kind == "jpeg-cmyk":
        img = img.convert("CMYK")
    img.save(path, "JPEG", **options)


def make_workspace(root: Path) -> list[Path]:
    """Create (or reuse) the benchmark workspace under root; return the source files."""
    folder = root / "campaigns" / "bench"
    stamp = root / ".corpus-version"
    artwork = folder / "artwork"
    artwork.mkdir(parents=True, exist_ok=True)
    fresh = stamp.is_file() and stamp.read_text() == CORPUS_VERSION
    paths = []
    for index, item in enumerate(ITEMS):
        ext = "png" if item.kind == "png-alpha" else "jpg"
        path = artwork / f"{item.name}.{ext}"
        if not (fresh and path.is_file()):
            _write(item, path, random.Random(index))
        paths.append(path)
    stamp.write_text(CORPUS_VERSION)
    write_campaign(folder, ITEMS)
    return paths


def make_subset(root: Path, name: str, count: int) -> Path:
    """Create a workspace beside the corpus with its first count 16-megapixel JPEGs; return it.

    The memory target is set on sources of that size; the corpus also holds larger ones.
    """
    items = tuple(i for i in ITEMS if i.size == (4896, 3264))[:count]
    subset = root / name
    artwork = subset / "campaigns" / "bench" / "artwork"
    artwork.mkdir(parents=True, exist_ok=True)
    for item in items:
        target = artwork / f"{item.name}.jpg"
        target.unlink(missing_ok=True)
        target.hardlink_to(root / "campaigns" / "bench" / "artwork" / f"{item.name}.jpg")
    write_campaign(artwork.parent, items)
    return subset


def write_campaign(folder: Path, items: tuple[Item, ...], focus_shift: float = 0.0) -> None:
    """Write campaign.toml: every built-in platform, each artwork into its slots."""
    blocks = [
        textwrap.dedent(
            f"""
            [[artwork]]
            file = "artwork/{item.name}.{"png" if item.kind == "png-alpha" else "jpg"}"
            slots = [{", ".join(f'"{s}"' for s in item.slots)}]
            focus = [{item.focus[0] + (focus_shift if i == 0 else 0):.3f}, {item.focus[1]:.3f}]
            alt = "Benchmark picture {item.name}"
            """
        )
        for i, item in enumerate(items)
    ]
    (folder / "campaign.toml").write_text('title = "Benchmark"\n' + "".join(blocks))
