"""Every page in real Chromium through nginx: private, error-free, usable by keyboard and phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page

from .browser import RecordedPage
from .pages import CAMPAIGN_PAGES, PAGES, campaign_of, page_id
from .policy import security_problems

OpenPage = Callable[..., RecordedPage]

# Lazy images load only when scrolled to; load them all, so every request is seen.
LOAD_ALL_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map((img) => img.decode().catch(() => {})));
}"""

# Every element that Tab should reach: visible, enabled, not taken out of the tab order.
LIST_FOCUSABLES = """() => {
  window.__focusables = [...document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]"
  )].filter((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== "hidden");
  return window.__focusables.map((el) => ({html: el.outerHTML.slice(0, 120),
                                           href: el.href || "", hash: el.hash || ""}));
}"""

# Which listed element has focus, and whether a person can see that it has: some outline,
# shadow, colour or border of it or of a container (a card with :focus-within) must change
# when focus leaves. Focus is then put back, so the next Tab continues from here.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const props = ["outline-style", "outline-width", "outline-color", "box-shadow",
                 "background-color", "color", "border-color", "text-decoration-line"];
  const look = () => {
    const seen = [];
    for (let n = el; n && n !== document.documentElement; n = n.parentElement) {
      const style = getComputedStyle(n);
      seen.push(props.map((p) => style.getPropertyValue(p)).join("|"));
    }
    return seen.join("/");
  };
  const focused = look();
  const keyboard = el.matches(":focus-visible");
  el.blur();
  const blurred = look();
  el.focus();
  return {index: window.__focusables.indexOf(el), html: el.outerHTML.slice(0, 120),
          visible: keyboard && focused !== blurred};
}"""


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_keyboard_reaches_everything_with_visible_focus(
    page: Page, nginx_kit: str, sample_kit: Path, path: str
) -> None:
    page.goto(nginx_kit + path)
    focusables: list[dict[str, str]] = page.evaluate(LIST_FOCUSABLES)
    order: list[int] = []  # indices into focusables, in Tab order
    unseen: list[str] = []
    for _ in range(len(focusables) + 2):
        page.keyboard.press("Tab")
        focused: dict[str, Any] | None = page.evaluate(FOCUSED)
        if focused is None or focused["index"] in order:
            break  # focus left the page or came round again
        order.append(focused["index"])
        if not focused["visible"]:
            unseen.append(focused["html"])
    reached = [focusables[i] for i in order]
    assert [f["html"] for i, f in enumerate(focusables) if i not in order] == []
    assert unseen == [], "focus is not visible on these"
    if path in CAMPAIGN_PAGES:
        campaign = campaign_of(sample_kit, path)
        downloads = {nginx_kit + a["path"] for a in campaign["assets"]}
        assert downloads <= {f["href"] for f in reached}, "Tab reaches every download"
        picker = {f"#{a['platform']}" for a in campaign["assets"]}
        assert picker <= {f["hash"] for f in reached}, "Tab reaches the platform picker"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_fits_a_320_pixel_screen(
    open_page_factory: OpenPage, nginx_kit: str, path: str
) -> None:
    recorded = open_page_factory(viewport={"width": 320, "height": 640})
    recorded.page.goto(nginx_kit + path)
    width = recorded.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{path or 'index'} scrolls sideways at 320 px ({width} px wide)"
    assert recorded.problems(nginx_kit) == []


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_works_without_javascript(
    open_page_factory: OpenPage, nginx_kit: str, sample_kit: Path, path: str
) -> None:
    recorded = open_page_factory(java_script_enabled=False)
    response = recorded.page.goto(nginx_kit + path)
    assert response is not None and response.status == 200
    page = recorded.page
    assert page.locator("h1").is_visible()
    assert page.locator("[data-kit-notice]").count() == (0 if path == "" else 1)
    if path in CAMPAIGN_PAGES:
        campaign = campaign_of(sample_kit, path)
        downloads = page.locator("a[download]")
        hrefs = {
            urljoin(page.url, downloads.nth(i).get_attribute("href") or "")
            for i in range(downloads.count())
        }
        assert {nginx_kit + a["path"] for a in campaign["assets"]} <= hrefs
        hidden = [
            downloads.nth(i).get_attribute("href")
            for i in range(downloads.count())
            if not downloads.nth(i).is_visible()
        ]
        assert hidden == [], "downloads need JavaScript to show"
    elif path == "":
        for slug in (p.rstrip("/") for p in CAMPAIGN_PAGES):
            assert page.locator(f"a[href^='{slug}/']").first.is_visible()
    assert recorded.log.foreign_requests(nginx_kit) == []
    assert recorded.log.console_errors == []


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_loads_everything_from_its_own_origin_without_errors(
    open_page_factory: OpenPage, nginx_kit: str, artifacts: Path, path: str
) -> None:
    """Load every image at phone and desktop width, light and dark; keep screenshots of each."""
    recorded = open_page_factory()
    response = recorded.page.goto(nginx_kit + path)
    assert response is not None and response.status == 200
    assert security_problems(nginx_kit + path, response.all_headers()) == []
    recorded.page.evaluate(LOAD_ALL_IMAGES)
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    for device, (width, height) in (("phone", (360, 740)), ("desktop", (1280, 800))):
        recorded.page.set_viewport_size({"width": width, "height": height})
        for scheme in ("light", "dark"):
            recorded.page.emulate_media(color_scheme=scheme)
            # JPEG: a phone-width page is over 20 000 px tall, and PNG takes seconds to encode.
            shot = folder / f"{page_id(path)}-{device}-{scheme}.jpg"
            recorded.page.screenshot(path=shot, full_page=True, type="jpeg", quality=85)
            assert shot.stat().st_size > 1000
    recorded.page.wait_for_load_state("networkidle")
    assert len(recorded.log.requests) > 2  # the recorder works: page, css, js, images...
    assert recorded.problems(nginx_kit) == []
