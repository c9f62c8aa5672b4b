"""Every download a campaign page offers arrives through nginx as the file the page describes."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page

from .pages import CAMPAIGN_PAGES, campaign_of, fetch, page_id, zips_of
from .policy import MEDIA_TYPES

# Each download link with the pixel sizes ("1584×396") stated by its nearest enclosing element
# that states any: the text a person reads next to the button.
DOWNLOADS = """() => [...document.querySelectorAll("a[download]")].map((a) => {
  let sizes = [];
  for (let n = a.parentElement; n && n !== document.body && !sizes.length; n = n.parentElement) {
    sizes = [...n.textContent.matchAll(/(\\d+)\\s*×\\s*(\\d+)/g)].map((m) => [+m[1], +m[2]]);
  }
  return {href: a.href, path: a.getAttribute("href"), sizes};
})"""


@pytest.mark.parametrize("path", CAMPAIGN_PAGES, ids=page_id)
def test_every_download_has_its_type_and_every_image_the_size_the_page_states(
    page: Page, nginx_kit: str, sample_kit: Path, path: str
) -> None:
    page.goto(nginx_kit + path)
    links: list[dict[str, Any]] = page.evaluate(DOWNLOADS)
    campaign = campaign_of(sample_kit, path)
    assets = {nginx_kit + a["path"]: a for a in campaign["assets"]}
    zips = {nginx_kit + path for path in zips_of(campaign)}
    offered = {link["href"] for link in links}
    # Every image and the campaign's zip; per-platform zips where the theme offers them.
    assert {*assets, nginx_kit + campaign["zip"]} <= offered
    assert {href for href in offered if href.endswith(".zip")} <= zips
    problems = []
    for link in links:
        response = fetch(link["href"])
        asset = assets.get(link["href"])
        want = asset["media_type"] if asset else MEDIA_TYPES.get(PurePosixPath(link["path"]).suffix)
        if response.status != 200 or response.headers.get_content_type() != want:
            problems.append(
                f"{link['path']}: HTTP {response.status} {response.headers['Content-Type']}, "
                f"want {want}"
            )
        if asset is None or response.status != 200:
            continue  # zips: below; other files (a calendar entry): their type is all we know
        with Image.open(io.BytesIO(response.body)) as img:
            decoded = list(img.size)
            kind = Image.MIME.get(img.format or "")
        if kind != want:
            problems.append(f"{link['path']}: served as {want} but is {kind}")
        if len({tuple(s) for s in link["sizes"]}) != 1:
            problems.append(f"{link['path']}: the page states sizes {link['sizes']}, want one")
        elif link["sizes"][0] != decoded:
            problems.append(f"{link['path']}: page says {link['sizes'][0]}, image is {decoded}")
    assert problems == []


@pytest.mark.parametrize("path", CAMPAIGN_PAGES, ids=page_id)
def test_the_zips_download_with_exactly_the_campaigns_images(
    page: Page, nginx_kit: str, sample_kit: Path, path: str, tmp_path: Path
) -> None:
    """The campaign's zip downloads in the browser; every zip holds exactly its images."""
    page.goto(nginx_kit + path)
    campaign = campaign_of(sample_kit, path)
    hrefs: list[str] = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
    with page.expect_download() as started:
        page.locator("a[download]").nth(hrefs.index(nginx_kit + campaign["zip"])).click()
    download = started.value
    assert download.failure() is None
    assert download.url == nginx_kit + campaign["zip"]
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    problems = []
    for zip_path, assets in zips_of(campaign).items():
        data = (
            saved.read_bytes() if zip_path == campaign["zip"] else fetch(nginx_kit + zip_path).body
        )
        want = {a["path"].removeprefix(campaign["slug"] + "/"): a["sha256"] for a in assets}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            got = {n: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}
        if got != want:
            problems.append(f"{zip_path}: holds {sorted(got)}, want {sorted(want)}")
    assert problems == []
