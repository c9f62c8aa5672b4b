"""Page previews: small WebP images with a fallback, planned beside the downloads."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kitgen import encoding

from .conftest import Workspace


def gradient(mode: str = "RGB", size: tuple[int, int] = (320, 200)) -> Image.Image:
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    if mode == "RGBA":
        img = img.convert("RGBA")
        img.putalpha(Image.linear_gradient("L").resize(size))
    return img


def test_webp_encoding_keeps_alpha_and_is_reproducible() -> None:
    img = gradient("RGBA")
    data = encoding.best_encoding(img, "WEBP")
    assert data == encoding.best_encoding(img, "WEBP")
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.format == "WEBP"
        assert decoded.mode == "RGBA"
        assert not decoded.info.get("exif") and not decoded.info.get("icc_profile")


def test_webp_that_cannot_fit_is_a_clear_problem() -> None:
    noise = Image.effect_noise((400, 400), 120).convert("RGB")
    with pytest.raises(encoding.ImageProblem, match="WebP preview into 100 bytes"):
        encoding.smaller_encoding(noise, "WEBP", 100)


def test_each_download_gets_a_webp_and_a_fallback_preview(simple: Workspace) -> None:
    simple.build()
    previews = simple.out / "simple" / "previews"
    names = sorted(p.name for p in previews.iterdir())
    stems = {n.rpartition(".")[0] for n in names}
    # Two artworks: the hero's cover (LinkedIn) and background (Zoom), the badge's profile
    # pictures (LinkedIn 800², Zoom 400²: the same 256² preview, so one file).
    assert len(stems) == 3, names
    for stem in stems:
        exts = sorted(n.rpartition(".")[2] for n in names if n.startswith(stem + "."))
        assert exts[1] == "webp" and exts[0] in ("jpg", "png"), names
    for path in previews.iterdir():
        with Image.open(path) as img:
            assert img.width <= 800
            assert not img.info.get("exif")
