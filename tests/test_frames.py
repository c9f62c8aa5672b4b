"""Frames: which artwork may be one, and the "try it with your own photo" section it brings."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from kitgen.build import check
from kitgen.errors import ContentError
from kitgen.platforms import builtin_platforms
from kitgen.sources import Source, frame_problem

from .conftest import Workspace
from .html_tools import parse

FRAME_CAMPAIGN = """
    title = "Framed"
    platforms = ["linkedin", "mastodon"]

    [[artwork]]
    file = "artwork/{name}"
    slots = ["frame"]
    alt = "A frame"
"""


def ring(size: int = 600, mode: str = "RGBA") -> Image.Image:
    """A frame-like image: an opaque border, a fully transparent centre."""
    img = Image.new("RGBA", (size, size), (20, 60, 160, 255))
    img.paste((0, 0, 0, 0), (size // 5, size // 5, size - size // 5, size - size // 5))
    return img if mode == "RGBA" else img.convert(mode)


def frame_workspace(workspace: Workspace, name: str, img: Image.Image, **save: object) -> None:
    folder = workspace.campaign("framed", FRAME_CAMPAIGN.format(name=name))
    (folder / "artwork").mkdir()
    img.save(folder / "artwork" / name, **save)


def test_a_png_with_a_transparent_centre_is_a_frame_at_each_profile_size(
    workspace: Workspace,
) -> None:
    frame_workspace(workspace, "ring.png", ring())
    workspace.build()
    for platform, size in (("linkedin", 800), ("mastodon", 400)):
        made = workspace.out / "framed" / platform / f"ring-frame-{size}x{size}.png"
        with Image.open(made) as img:
            assert img.size == (size, size) and img.mode == "RGBA"
            assert img.getpixel((size // 2, size // 2))[3] == 0  # the photo shows here
            assert img.getpixel((2, 2))[3] == 255


def test_a_palette_png_with_a_transparent_colour_is_a_frame(workspace: Workspace) -> None:
    palette = ring().convert("RGB").quantize(4)
    centre = palette.getpixel((300, 300))
    frame_workspace(workspace, "ring.png", palette, transparency=centre)
    check(workspace.root)  # no error


@pytest.mark.parametrize(
    ("name", "img", "save", "message"),
    [
        (
            "ring.jpg",
            ring(mode="RGB"),
            {},
            "artwork/ring.jpg: a frame must be a PNG with a transparent area, not JPEG"
            " — export it as PNG with transparency",
        ),
        (
            "ring.png",
            ring(mode="RGB"),
            {},
            "artwork/ring.png: a frame needs an alpha channel (transparency), and this PNG has"
            " none — export it with a transparent area where the photo shows through",
        ),
        (
            "ring.png",
            Image.new("RGBA", (600, 600), (20, 60, 160, 255)),
            {},
            "artwork/ring.png: a frame needs a transparent area for the photo to show through,"
            " but only 0% of it is see-through (at least 10%) — export it with a transparent"
            " centre",
        ),
    ],
    ids=["jpeg", "png-without-alpha", "png-all-opaque"],
)
def test_a_frame_without_a_transparent_area_is_a_clear_error(
    workspace: Workspace, name: str, img: Image.Image, save: dict[str, object], message: str
) -> None:
    frame_workspace(workspace, name, img, **save)
    with pytest.raises(ContentError) as caught:
        check(workspace.root)
    assert caught.value.problems == [f"campaigns/framed/{message}"]
    with pytest.raises(ContentError):
        workspace.build()
    assert not workspace.out.exists()  # nothing half-written


def test_a_mostly_opaque_png_says_how_much_is_see_through(workspace: Workspace) -> None:
    img = Image.new("RGBA", (100, 100), (20, 60, 160, 255))
    img.paste((0, 0, 0, 0), (0, 0, 100, 5))  # a 5% transparent strip
    frame_workspace(workspace, "strip.png", img)
    with pytest.raises(ContentError, match=r"only 5% of it is see-through"):
        check(workspace.root)


def test_a_frame_whose_pixels_are_damaged_is_a_clear_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    ring().save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    at = data.index(b"IDAT") + 14
    data[at : at + 30] = b"\xff" * 30  # the header reads fine, the pixels do not
    path = tmp_path / "ring.png"
    path.write_bytes(data)
    source = Source(path, "artwork/ring.png", "0" * 64, "PNG", 600, 600, has_alpha=True)
    problem = frame_problem(source)
    assert problem is not None
    assert problem == (
        "artwork/ring.png: not a readable image (damaged or corrupt) — export it again as PNG"
        " or JPEG"
    )


def test_every_bad_frame_of_a_campaign_is_reported_at_once(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "framed",
        """
        title = "Framed"
        platforms = ["linkedin"]
        [[artwork]]
        file = "artwork/a.jpg"
        slots = ["frame"]
        alt = "A"
        [[artwork]]
        file = "artwork/b.png"
        slots = ["profile", "frame"]
        alt = "B"
        [[artwork]]
        file = "artwork/b.png"
        slots = ["frame"]
        alt = "B again"
        """,
    )
    (folder / "artwork").mkdir()
    ring(mode="RGB").save(folder / "artwork" / "a.jpg")
    ring(mode="RGB").save(folder / "artwork" / "b.png")
    with pytest.raises(ContentError) as caught:
        check(workspace.root)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "campaigns/framed/artwork/a.jpg",
        "campaigns/framed/artwork/b.png",
    ]


def test_an_opaque_png_may_still_be_a_profile_picture(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "plain",
        """
        title = "Plain"
        platforms = ["linkedin"]
        [[artwork]]
        file = "artwork/logo.png"
        slots = ["profile"]
        alt = "Logo"
        """,
    )
    (folder / "artwork").mkdir()
    ring(mode="RGB").save(folder / "artwork" / "logo.png")
    check(workspace.root)  # only frames need transparency


# --- the section on the campaign page ------------------------------------------


def frame_assets(kit: Path, slug: str) -> dict[str, dict[str, object]]:
    manifest = json.loads((kit / "manifest.json").read_text("utf-8"))
    campaign = next(c for c in manifest["campaigns"] if c["slug"] == slug)
    return {a["platform"]: a for a in campaign["assets"] if a["slot"] == "frame"}


def test_the_try_it_section_offers_every_platforms_frame_with_its_real_limits(
    sample_kit: Path,
) -> None:
    page_path = sample_kit / "winter-wellbeing" / "index.html"
    page = parse(page_path)
    frames = frame_assets(sample_kit, "winter-wellbeing")
    assert frames, "the sample campaign has a frame"
    options = {o.attrs["value"]: o.attrs for o in page.all("option")}
    assert set(options) == set(frames)
    platforms = builtin_platforms()
    for pid, attrs in options.items():
        asset = frames[pid]
        href = attrs["data-frame"]
        assert (page_path.parent / href).resolve() == (sample_kit / str(asset["path"])).resolve()
        with Image.open(page_path.parent / href) as img:
            assert [img.width, img.height] == [asset["width"], asset["height"]]
            assert img.mode == "RGBA"
        profile = platforms[pid].slot("profile")
        assert profile is not None
        assert (int(attrs["data-width"]), int(attrs["data-height"])) == (
            profile.width,
            profile.height,
        )
        assert attrs["data-shape"] == profile.shape
        assert int(attrs["data-max-bytes"]) == profile.max_bytes
        assert attrs["data-formats"].split() == list(profile.formats)


def test_the_try_it_section_works_without_javascript_and_says_the_photo_stays(
    sample_kit: Path,
) -> None:
    html = (sample_kit / "winter-wellbeing" / "index.html").read_text("utf-8")
    page = parse(sample_kit / "winter-wellbeing" / "index.html")
    # The tool is hidden until frame.js shows it; the steps and the frame files are not.
    tool = re.search(r'<div class="frame-tool"[^>]*>', html)
    assert tool and " hidden " in tool.group(0)
    manual = re.search(r'<div class="frame-manual">(.*?)</div>', html, re.S)
    assert manual and "any image editor" in manual.group(1)
    downloads = re.findall(r'<a href="([^"]+)" download>Frame for ', manual.group(1))
    assert sorted(downloads) == sorted(
        f"{pid}/{Path(str(a['path'])).name}"
        for pid, a in frame_assets(sample_kit, "winter-wellbeing").items()
    )
    # The promise sits right beside the button that saves the picture.
    save = re.search(r'<p class="frame-save">(.*?)</p>', html, re.S)
    assert save and "frame-download" in save.group(1)
    assert "Your photo stays on this device." in save.group(1)
    # Labelled controls, a keyboard-usable preview explained in words, a live region.
    ids = {e.attrs["id"] for e in page.elements if "id" in e.attrs}
    labels = {e.attrs["for"] for e in page.all("label")}
    assert {"frame-photo", "frame-platform", "frame-zoom"} <= labels & ids
    view = next(e for e in page.elements if "frame-view" in e.attrs.get("class", ""))
    assert view.attrs["tabindex"] == "0" and view.attrs["aria-label"]
    assert view.attrs["aria-describedby"] in ids
    assert any(e.attrs.get("role") == "status" for e in page.elements)
    # Each platform's frame download points to the tool.
    tries = [e for e in page.all("a") if e.attrs.get("href") == "#try-frame"]
    assert len(tries) == len(frame_assets(sample_kit, "winter-wellbeing"))
    # The script is a separate, content-hashed file of the kit.
    scripts = [e.attrs["src"] for e in page.all("script")]
    frame_js = [s for s in scripts if re.search(r"assets/frame\.[0-9a-f]{10}\.js$", s)]
    assert len(frame_js) == 1
    assert (sample_kit / "winter-wellbeing" / frame_js[0]).is_file()
    assert page.scripts_with_body == 0


def test_campaigns_without_a_frame_have_no_section_and_no_script(sample_kit: Path) -> None:
    for slug in ("spring-launch", "pride-2026"):
        html = (sample_kit / slug / "index.html").read_text("utf-8")
        assert "try-frame" not in html and "frame." not in html


def test_the_section_speaks_german(workspace: Workspace) -> None:
    (workspace.root).mkdir(parents=True)
    (workspace.root / "kitgen.toml").write_text('language = "de"\n', "utf-8")
    frame_workspace(workspace, "ring.png", ring())
    workspace.build()
    text = parse(workspace.out / "framed" / "index.html").plain_text
    assert "Den Rahmen mit Ihrem eigenen Foto ausprobieren" in text
    assert "Ihr Foto bleibt auf diesem Gerät." in text
    assert "Rahmen für LinkedIn" in text
