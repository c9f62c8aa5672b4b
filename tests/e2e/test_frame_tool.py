"""The frame tool in real Chromium through nginx: a photo in, an exact-size picture out, no upload.

The sample campaign `winter-wellbeing` has a ring frame with a transparent centre. Each test
makes its own photo, picks it with the file input, moves and zooms it, saves the picture and
checks its pixels against the frame PNG and the photo: the frame's opaque parts on top, the
photo (where it should be after the moves) through the transparent part.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageChops, ImageCms, ImageFilter, ImageOps, ImageStat
from playwright.sync_api import Page, expect

from .browser import RecordedPage
from .pages import campaign_of

OpenPage = Callable[..., RecordedPage]
PATH = "winter-wellbeing/"
KEY_STEP = 0.04  # frame.js: an arrow key moves the photo by 4% of the picture's width
ZOOM_STEP = 1.1  # frame.js: + and - zoom by this factor


def make_photo(path: Path, size: tuple[int, int] = (1500, 1000)) -> Path:
    """A camera-like photo: smooth gradients both ways (so any shift or zoom changes its
    pixels), with a camera make, a GPS position and a comment that must not reach the result."""
    red = Image.linear_gradient("L").rotate(90).resize(size)
    green = Image.linear_gradient("L").resize(size)
    blue = Image.new("L", size, 90)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    Image.merge("RGB", (red, green, blue)).save(
        path, quality=95, exif=exif, comment=b"taken at home"
    )
    return path


def frame_of(kit: Path, platform: str) -> tuple[dict[str, Any], Image.Image]:
    """Return the manifest entry and the image of a platform's frame in the sample kit."""
    asset = next(
        a
        for a in campaign_of(kit, PATH)["assets"]
        if a["platform"] == platform and a["slot"] == "frame"
    )
    with Image.open(kit / asset["path"]) as img:
        return asset, img.convert("RGBA")


def areas(frame: Image.Image) -> tuple[Image.Image, Image.Image]:
    """Masks of where the frame is fully opaque and fully clear, away from soft edges."""
    alpha = frame.getchannel("A")
    opaque = alpha.point(lambda a: 255 if a == 255 else 0).filter(ImageFilter.MinFilter(9))
    clear = alpha.point(lambda a: 255 if a == 0 else 0).filter(ImageFilter.MinFilter(9))
    return opaque, clear


# The frame drawn on top, unchanged, differs from the kit's frame only by the download's JPEG
# loss on its fine edges (about 3-4); a missing or misplaced frame differs by tens.
SAME_FRAME = 6


def mean_difference(a: Image.Image, b: Image.Image, mask: Image.Image) -> float:
    """The mean difference per channel (0-255) of two RGB images inside the mask."""
    assert mask.getbbox() is not None, "the mask is empty"
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff, mask).mean) / 3


def expected_picture(
    photo: Image.Image, size: tuple[int, int], zoom: float, moved: tuple[float, float]
) -> Image.Image:
    """The photo as the tool should show it: covering the square, zoomed, moved by (dx, dy)."""
    w, h = size
    scale = max(w / photo.width, h / photo.height) * zoom
    half_w, half_h = w / scale / 2, h / scale / 2
    cx = min(photo.width - half_w, max(half_w, photo.width / 2 - moved[0] / scale))
    cy = min(photo.height - half_h, max(half_h, photo.height / 2 - moved[1] / scale))
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    return photo.resize(size, Image.Resampling.BICUBIC, box=box)


def metadata_problems(data: bytes) -> list[str]:
    """Name every piece of metadata in a PNG or JPEG beyond the bare picture and sRGB tag."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        chunks, at = [], 8
        while at < len(data):
            length, kind = struct.unpack(">I4s", data[at : at + 8])
            chunks.append(kind.decode("latin-1"))
            at += 12 + length
        allowed = {"IHDR", "PLTE", "tRNS", "IDAT", "IEND", "sRGB", "gAMA", "cHRM", "iCCP", "pHYs"}
        return [f"PNG chunk {c}" for c in chunks if c not in allowed]
    with Image.open(io.BytesIO(data)) as img:
        problems = [f"JPEG {marker}" for marker, _ in img.applist if marker not in ("APP0", "APP2")]
        problems += [f"JPEG {m} {body[:12]!r}" for m, body in img.applist if m == "APP2"
                     and not body.startswith(b"ICC_PROFILE")]  # fmt: skip
        if "comment" in img.info:
            problems.append("JPEG comment")
        icc = img.info.get("icc_profile")
        if icc:  # Chromium tags its JPEGs as sRGB; any other profile came from somewhere else
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "sRGB" not in ImageCms.getProfileDescription(profile):
                problems.append(f"ICC profile {ImageCms.getProfileDescription(profile)!r}")
    return problems


# The page's own lazy images load when scrolled to; load them all, so that every request the
# page itself makes is done before the tool is used.
LOAD_ALL_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map((img) => img.decode().catch(() => {})));
}"""


def open_tool(open_page: OpenPage, nginx_kit: str, **context: object) -> RecordedPage:
    recorded = open_page(**context)
    # networkidle: the page, its images and the first platform's frame have all arrived.
    recorded.page.goto(nginx_kit + PATH, wait_until="networkidle")
    recorded.page.evaluate(LOAD_ALL_IMAGES)
    expect(recorded.page.locator(".frame-tool")).to_be_visible()
    return recorded


def pick_photo(page: Page, photo: Path) -> None:
    page.set_input_files("#frame-photo", photo)
    expect(page.locator(".frame-status")).to_contain_text("Photo loaded")


def save_picture(page: Page, folder: Path) -> tuple[str, bytes]:
    with page.expect_download() as started:
        page.locator(".frame-download").click()
    download = started.value
    assert download.failure() is None
    target = folder / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_a_photo_moved_and_zoomed_by_keyboard_downloads_framed_with_no_request(
    open_page_factory: OpenPage, nginx_kit: str, sample_kit: Path, tmp_path: Path
) -> None:
    recorded = open_tool(open_page_factory, nginx_kit)
    page = recorded.page
    loaded = len(recorded.log.requests)
    photo_path = make_photo(tmp_path / "me.jpg")
    with Image.open(photo_path) as original:  # the test photo does carry what must not leak
        assert original.getexif().get_ifd(0x8825) and original.info["comment"]
    platform = page.locator("#frame-platform").input_value()
    asset, frame = frame_of(sample_kit, platform)

    pick_photo(page, photo_path)
    # Focus moves to the preview, so the keys work at once; the live region tells the zoom.
    assert page.evaluate("document.activeElement.classList.contains('frame-view')")
    for key in ("+", "+", "+", "-"):
        page.keyboard.press(key)
    expect(page.locator(".frame-status")).to_have_text("Zoom 121%")
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    name, data = save_picture(page, tmp_path)

    # Nothing left the browser once the page was there: no upload, no request of any kind.
    after = [u for u in recorded.log.requests[loaded:] if urlsplit(u).scheme in ("http", "https")]
    assert after == []
    assert recorded.problems(nginx_kit) == []

    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (asset["width"], asset["height"])
        assert img.format in ("PNG", "JPEG")
        assert "exif" not in img.info and "xmp" not in img.info
        assert not img.getexif()
        picture = img.convert("RGB")
    assert len(data) <= int(page.locator("#frame-platform option:checked").get_attribute(
        "data-max-bytes") or 0)  # fmt: skip
    assert re.fullmatch(rf"profile-{platform}-{img.width}x{img.height}\.(png|jpg)", name)
    assert metadata_problems(data) == []

    opaque, clear = areas(frame)
    assert mean_difference(picture, frame, opaque) < SAME_FRAME, "the frame lies on top, unchanged"
    step = KEY_STEP * img.width
    with Image.open(photo_path) as photo:
        want = expected_picture(photo, img.size, ZOOM_STEP**2, (2 * step, step))
        unmoved = expected_picture(photo, img.size, 1, (0, 0))
    # The photo shows through, moved and zoomed as the keys said; far from where it started.
    near, far = mean_difference(picture, want, clear), mean_difference(picture, unmoved, clear)
    assert near < 3 and far > 3 * near + 2, (near, far)


def test_the_photo_is_upright_by_its_exif_orientation(
    open_page_factory: OpenPage, nginx_kit: str, sample_kit: Path, tmp_path: Path
) -> None:
    # Upright: a red top half over a blue bottom half. Stored on its side, with Orientation=6
    # ("rotate 90° clockwise to show"), as phone cameras do.
    upright = Image.new("RGB", (1200, 900), (30, 60, 220))
    upright.paste((220, 30, 30), (0, 0, 1200, 450))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = tmp_path / "sideways.jpg"
    stored.save(photo, quality=95, exif=exif)
    with Image.open(photo) as check:
        assert ImageOps.exif_transpose(check).size == upright.size  # the test photo is right

    recorded = open_tool(open_page_factory, nginx_kit)
    pick_photo(recorded.page, photo)
    _, data = save_picture(recorded.page, tmp_path)
    with Image.open(io.BytesIO(data)) as img:
        picture = img.convert("RGB")
    w, h = picture.size
    top = picture.getpixel((w // 2, int(h * 0.3)))
    bottom = picture.getpixel((w // 2, int(h * 0.7)))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 180 and top[2] < 80, f"red should be on top, got {top}"
    assert bottom[2] > 180 and bottom[0] < 80, f"blue should be below, got {bottom}"


def test_pointer_wheel_and_platform_change_on_a_320_pixel_screen(
    open_page_factory: OpenPage, nginx_kit: str, sample_kit: Path, tmp_path: Path
) -> None:
    recorded = open_tool(open_page_factory, nginx_kit, viewport={"width": 320, "height": 640})
    page = recorded.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    pick_photo(page, make_photo(tmp_path / "me.jpg"))
    page.select_option("#frame-platform", "mastodon")
    view = page.locator(".frame-view")
    expect(view).to_have_class(re.compile(r"\bshape-rounded\b"))
    view.scroll_into_view_if_needed()
    box = view.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.wheel(0, -200)  # zoom in
    expect(page.locator(".frame-status")).to_have_text(re.compile(r"Zoom 1[1-9]\d%"))
    assert int(page.locator("#frame-zoom").input_value()) > 100
    page.mouse.down()
    page.mouse.move(x - 40, y - 30, steps=4)
    page.mouse.up()
    page.locator(".frame-reset").focus()  # away from the preview before the final check
    _, data = save_picture(page, tmp_path)
    asset, frame = frame_of(sample_kit, "mastodon")
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (asset["width"], asset["height"])
        picture = img.convert("RGB")
    opaque, clear = areas(frame)
    assert mean_difference(picture, frame, opaque) < SAME_FRAME
    with Image.open(tmp_path / "me.jpg") as photo:
        unmoved = expected_picture(photo, picture.size, 1, (0, 0))
    assert mean_difference(picture, unmoved, clear) > 5, "the wheel and drag changed it"
    # The only request after loading was the kit's own frame PNG for the new platform.
    own = {urlsplit(u).path for u in recorded.log.requests if urlsplit(u).scheme == "http"}
    assert urlsplit(nginx_kit).path + asset["path"] in own
    assert recorded.problems(nginx_kit) == []


def test_without_javascript_the_section_explains_and_offers_the_frame_pngs(
    open_page_factory: OpenPage, nginx_kit: str, sample_kit: Path
) -> None:
    recorded = open_page_factory(java_script_enabled=False)
    page = recorded.page
    page.goto(nginx_kit + PATH)
    section = page.locator("#try-frame")
    expect(section).to_be_visible()
    expect(page.locator(".frame-tool")).to_be_hidden()
    expect(section).to_contain_text("any image editor")
    links = section.locator("a[download]")
    hrefs = {page.evaluate("a => a.href", links.nth(i).element_handle())
             for i in range(links.count())}  # fmt: skip
    frames = {nginx_kit + a["path"] for a in campaign_of(sample_kit, PATH)["assets"]
              if a["slot"] == "frame"}  # fmt: skip
    assert hrefs == frames
    with page.expect_download() as started:
        links.first.click()
    download = started.value
    assert download.failure() is None
    with Image.open(download.path()) as img:
        assert img.format == "PNG" and img.mode == "RGBA"


# A photo dropped from the file manager: a DataTransfer holding the file, as the browser makes it.
DROP_FILE = """([tool, name, bytes]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "image/jpeg"}));
  for (const type of ["dragenter", "dragover", "drop"]) {
    const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
    tool.dispatchEvent(new DragEvent(type, init));
  }
}"""


def test_a_dropped_photo_resets_and_fits_a_tight_byte_limit(
    open_page_factory: OpenPage, nginx_kit: str, tmp_path: Path
) -> None:
    recorded = open_tool(open_page_factory, nginx_kit)
    page = recorded.page
    # Small: the bytes cross into the page as a list of numbers.
    photo = make_photo(tmp_path / "dropped.jpg", (480, 320)).read_bytes()
    page.evaluate(DROP_FILE, [page.locator(".frame-tool").element_handle(), "me.jpg", list(photo)])
    expect(page.locator(".frame-status")).to_contain_text("Photo loaded")
    expect(page.locator(".frame-download")).to_be_enabled()
    for key in ("0", "Home"):
        page.keyboard.press("+")
        page.keyboard.press("ArrowLeft")
        expect(page.locator(".frame-status")).to_have_text("Zoom 110%")
        page.keyboard.press(key)
        expect(page.locator(".frame-status")).to_have_text("Zoom 100%")
        assert page.locator("#frame-zoom").input_value() == "100"

    # A platform with a tight limit gets a JPEG within it, at the same exact size.
    chosen = page.locator("#frame-platform option:checked")
    chosen.evaluate("o => { o.dataset.maxBytes = '30000'; }")
    name, data = save_picture(page, tmp_path)
    assert name.endswith(".jpg") and len(data) <= 30000
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        assert img.size == (int(chosen.get_attribute("data-width") or 0),) * 2
    # One that takes only PNG, with a limit no PNG of a photo meets: it says so, saves nothing.
    chosen.evaluate("o => { o.dataset.maxBytes = '3000'; o.dataset.formats = 'png'; }")
    page.locator(".frame-download").click()
    expect(page.locator(".frame-status")).to_contain_text("does not fit the platform's limit")
    assert recorded.problems(nginx_kit) == []
