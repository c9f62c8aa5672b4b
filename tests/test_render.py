from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from kitgen.render import filesize, render_markdown

from .html_tools import Element, Page, links, parse

NOTICE_POINTS = [
    "Using these images is voluntary",
    "Nobody records who uses them",
    "Your personal accounts are yours",
    "Contractors, consultants and other people who are not employees are not expected",
    "you may need to say that you work here",
    "platform's own terms for personal accounts",
    "put your previous picture back",
]


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_campaign_and_terms_page_carries_the_whole_notice(sample_kit: Path) -> None:
    manifest = json.loads((sample_kit / "manifest.json").read_text())
    assert len(manifest["campaigns"]) == 3
    for c in manifest["campaigns"]:
        for page in (sample_kit / c["page"], sample_kit / c["slug"] / "terms" / "index.html"):
            text = parse(page).plain_text
            for point in NOTICE_POINTS:
                assert point in text, (page, point)


def test_notice_comes_before_the_downloads(sample_kit: Path) -> None:
    html = (sample_kit / "winter-wellbeing" / "index.html").read_text()
    assert html.index("data-kit-notice") < html.index('class="downloads"')


def test_every_link_resolves_and_downloads_have_the_stated_size(sample_kit: Path) -> None:
    for page_path in pages(sample_kit):
        page = parse(page_path)
        for url in links(page):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            target = (page_path.parent / parts.path).resolve()
            assert target.is_file(), (page_path, url)
            assert target.is_relative_to(sample_kit.resolve())
        for img in page.all("img"):
            with Image.open(page_path.parent / img.attrs["src"]) as real:
                assert real.size == (int(img.attrs["width"]), int(img.attrs["height"]))


def test_pages_have_no_external_urls_inline_scripts_or_styles(sample_kit: Path) -> None:
    for page_path in pages(sample_kit):
        page = parse(page_path)
        assert page.scripts_with_body == 0, page_path
        assert not page.all("style"), page_path
        for element in page.elements:
            assert "style" not in element.attrs, (page_path, element)
            assert not any(a.startswith("on") for a in element.attrs), (page_path, element)
        for url in links(page):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                anchor = next(e for e in page.all("a") if e.attrs.get("href") == url)
                assert {"noopener", "noreferrer"} <= set(anchor.attrs.get("rel", "").split())
                assert not parts.query, url
            else:
                assert parts.scheme in ("", "mailto"), url
                assert not url.startswith("/"), url  # relative: works from any sub-path


def test_every_image_has_alt_text(sample_kit: Path) -> None:
    for page_path in pages(sample_kit):
        for img in parse(page_path).all("img"):
            assert "alt" in img.attrs, (page_path, img)


def test_index_lists_current_then_upcoming_then_ended(sample_kit: Path) -> None:
    text = parse(sample_kit / "index.html").plain_text
    order = [
        text.index(title) for title in ("Winter Wellbeing", "Spring Launch", "Pride Month 2026")
    ]
    assert order == sorted(order)
    assert "Ended" in text


def test_downloads_state_platform_size_and_file_size(sample_kit: Path) -> None:
    text = parse(sample_kit / "spring-launch" / "index.html").plain_text
    assert "1584 × 396 px · JPEG ·" in text
    assert "Download everything" in text


@pytest.mark.parametrize(
    ("markdown", "absent", "present"),
    [
        ("Hello <script>alert(1)</script>", "<script", "Hello"),
        ('<img src="x" onerror="alert(1)">', "onerror", ""),
        ("[click](javascript:alert(1))", "javascript:", "click"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe", ""),
        (
            "[help](https://example.org/help)",
            'href="https://example.org/help" title',
            'rel="noopener noreferrer"',
        ),
    ],
)
def test_markdown_is_sanitised(markdown: str, absent: str, present: str) -> None:
    html = render_markdown(markdown)
    assert absent not in html
    assert present in html


# --- the kit page (issue 4) ----------------------------------------------

DOWNLOAD_BLOCK = re.compile(r'<li class="download">(.*?)</li>', re.S)


def main_elements(page: Page) -> list[Element]:
    """The elements inside <main>, in document (reading) order."""
    start = next(i for i, e in enumerate(page.elements) if e.tag == "main")
    return page.elements[start + 1 :]


@pytest.mark.parametrize("slug", ["winter-wellbeing", "spring-launch", "pride-2026"])
def test_notice_is_first_in_reading_order(sample_kit: Path, slug: str) -> None:
    for path in (sample_kit / slug / "index.html", sample_kit / slug / "terms" / "index.html"):
        elements = main_elements(parse(path))
        notice = next(i for i, e in enumerate(elements) if "data-kit-notice" in e.attrs)
        before = elements[:notice]
        assert [e.tag for e in before if e.tag in ("h1",)] == ["h1"], path
        # Before the notice: the breadcrumb, the title and the dates, nothing to act on.
        assert not [e for e in before if e.tag in ("img", "picture", "h2", "section", "form")]
        assert not [e for e in before if e.tag == "a" and "download" in e.attrs]


def test_each_download_states_the_truth_about_its_file(sample_kit: Path) -> None:
    page_path = sample_kit / "winter-wellbeing" / "index.html"
    html = page_path.read_text("utf-8")
    blocks = DOWNLOAD_BLOCK.findall(html)
    manifest = json.loads((sample_kit / "manifest.json").read_text())
    campaign = next(c for c in manifest["campaigns"] if c["slug"] == "winter-wellbeing")
    assert len(blocks) == len(campaign["assets"])
    for block in blocks:
        href = re.search(r'<a class="button[^"]*" href="([^"]+)" download>', block)
        meta = re.search(r'<p class="meta">(\d+) × (\d+) px · (\w+) · ([^<]+)</p>', block)
        alt = re.search(r'<p class="alt-value">([^<]+)</p>', block)
        assert href and meta and alt, block
        target = (page_path.parent / href[1]).resolve()
        with Image.open(target) as img:
            assert img.size == (int(meta[1]), int(meta[2]))
            assert img.format == meta[3]
        assert filesize(target.stat().st_size) == meta[4]
        entry = next(a for a in campaign["assets"] if (sample_kit / a["path"]).resolve() == target)
        assert entry["bytes"] == target.stat().st_size
        assert alt[1].strip()


def test_alt_texts_of_every_artwork_are_on_the_page(sample_kit: Path) -> None:
    text = parse(sample_kit / "spring-launch" / "index.html").plain_text
    for alt in (
        "A bright spring meadow under a blue sky",
        "Round green Spring Launch badge",
    ):
        assert alt in text


def test_previews_are_small_webp_with_a_fallback_and_no_layout_shift(sample_kit: Path) -> None:
    page_path = sample_kit / "winter-wellbeing" / "index.html"
    html = page_path.read_text("utf-8")
    pictures = re.findall(
        r'<picture><source type="image/webp" srcset="([^"]+)"><img[^>]* src="([^"]+)"'
        r'[^>]* width="(\d+)" height="(\d+)"',
        html,
    )
    assert len(pictures) > 40
    # One badge looks the same on seventeen platforms: the page shares its preview files.
    assert len({webp for webp, *_ in pictures}) < len(pictures) / 3
    for webp, fallback, width, height in pictures:
        for url, fmt in ((webp, "WEBP"), (fallback, ("JPEG", "PNG"))):
            path = page_path.parent / url
            with Image.open(path) as img:
                assert img.format in fmt
                assert img.size == (int(width), int(height))
            assert path.stat().st_size < 120_000, url


def test_previews_are_not_downloads(sample_kit: Path) -> None:
    manifest = json.loads((sample_kit / "manifest.json").read_text())
    previews = sorted(p.relative_to(sample_kit).as_posix() for p in sample_kit.rglob("previews/*"))
    assert previews
    paths = {a["path"] for c in manifest["campaigns"] for a in c["assets"]}
    assert not paths & set(previews)
    for c in manifest["campaigns"]:
        with zipfile.ZipFile(sample_kit / c["zip"]) as archive:
            assert not [n for n in archive.namelist() if "previews/" in n]
    sums = (sample_kit / "SHA256SUMS").read_text()
    assert all(f"  {p}\n" in sums for p in previews)


def test_each_platform_has_its_own_zip_of_just_its_downloads(sample_kit: Path) -> None:
    manifest = json.loads((sample_kit / "manifest.json").read_text())
    for c in manifest["campaigns"]:
        counts = Counter(a["platform"] for a in c["assets"])
        assert sorted(c["platform_zips"]) == sorted(p for p, n in counts.items() if n > 1)
        for platform, zip_path in c["platform_zips"].items():
            assert zip_path == f"{c['slug']}/{c['slug']}-{platform}.zip"
            with zipfile.ZipFile(sample_kit / zip_path) as archive:
                names = sorted(archive.namelist())
            expected = sorted(
                a["path"].removeprefix(f"{c['slug']}/")
                for a in c["assets"]
                if a["platform"] == platform
            )
            assert names == expected


def test_every_platform_has_steps_both_ways_and_a_clean_help_link(sample_kit: Path) -> None:
    html = (sample_kit / "winter-wellbeing" / "index.html").read_text("utf-8")
    manifest = json.loads((sample_kit / "manifest.json").read_text())
    campaign = next(c for c in manifest["campaigns"] if c["slug"] == "winter-wellbeing")
    for platform in {a["platform"] for a in campaign["assets"]}:
        section = html.split(f'<section class="platform" id="{platform}"', 1)[1]
        section = section.split('<section class="platform"', 1)[0]
        assert f'id="{platform}-use"' in section and f'id="{platform}-back"' in section
        assert section.count("<li>") >= 4
        helps = re.findall(r'<a class="external" href="([^"]+)" rel="([^"]+)">', section)
        assert helps, platform
        for url, rel in helps:
            assert url.startswith("https://") and not urlsplit(url).query, url
            assert set(rel.split()) == {"noreferrer", "noopener"}


def test_safe_area_is_an_overlay_shown_on_demand_without_javascript(sample_kit: Path) -> None:
    html = (sample_kit / "spring-launch" / "index.html").read_text("utf-8")
    linkedin = html.split('id="linkedin"', 1)[1].split('<section class="platform"', 1)[0]
    assert '<input class="safe-toggle" type="checkbox" id="linkedin-safe">' in linkedin
    assert '<label class="safe-label" for="linkedin-safe">' in linkedin
    # The researched LinkedIn banner safe area, in the banner's own pixels.
    assert 'viewBox="0 0 1584 396"' in linkedin
    assert '<rect class="safe-box" x="300" y="60" width="1134" height="256"' in linkedin
    x = html.split('id="x"', 1)[1].split('<section class="platform"', 1)[0]
    assert '<rect class="safe-keep-out" x="0" y="330" width="380" height="170"/>' in x
    zoom = html.split('id="zoom"', 1)[1].split('<section class="platform"', 1)[0]
    assert "safe-toggle" not in zoom  # no researched safe area: no toggle
    css = next((sample_kit / "assets").glob("style.*.css")).read_text()
    assert ".safe-toggle:checked ~ .mock-stage .safe-overlay { display: block; }" in css


def test_campaign_dates_say_until_when_or_that_it_ended(sample_kit: Path) -> None:
    current = parse(sample_kit / "winter-wellbeing" / "index.html").plain_text
    assert "Available until 31 January 2027" in current
    ended = parse(sample_kit / "pride-2026" / "index.html").plain_text
    assert "This campaign ended on 30 June 2026" in ended
    index = (sample_kit / "index.html").read_text("utf-8")
    assert 'href="pride-2026/index.html#change-back"' in index
    assert 'id="change-back"' in (sample_kit / "pride-2026" / "index.html").read_text("utf-8")


def test_terms_page_has_the_default_terms_and_prints_cleanly(sample_kit: Path) -> None:
    text = parse(sample_kit / "winter-wellbeing" / "terms" / "index.html").plain_text
    assert "please do not edit, recolour, crop or distort the logos" in text
    assert "When to stop:" in text
    own = parse(sample_kit / "spring-launch" / "terms" / "index.html").plain_text
    assert "please do not edit, recolour" not in own  # the campaign's terms.md replaces it
    css = next((sample_kit / "assets").glob("style.*.css")).read_text()
    assert "@media print" in css and "prefers-color-scheme: dark" in css
    assert "prefers-reduced-motion" in css


def test_assets_have_content_hashed_names(sample_kit: Path) -> None:
    names = sorted(p.name for p in (sample_kit / "assets").iterdir())
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".#.", n) for n in names] == [
        "favicon.#.svg",
        "frame.#.js",
        "kit.#.js",
        "style.#.css",
    ]


def test_ids_are_unique_and_every_reference_to_one_resolves(sample_kit: Path) -> None:
    for page_path in pages(sample_kit):
        page = parse(page_path)
        ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
        assert len(ids) == len(set(ids)), page_path
        for e in page.elements:
            refs = e.attrs.get("aria-labelledby", "").split() + [e.attrs.get("for", "")]
            href = e.attrs.get("href", "")
            if href.startswith("#"):
                refs.append(href[1:])
            for ref in filter(None, refs):
                assert ref in ids, (page_path, e)
        for e in page.all("a"):
            href = e.attrs.get("href", "")
            target, _, fragment = href.partition("#")
            if fragment and target and not urlsplit(href).scheme:
                other = parse((page_path.parent / target).resolve())
                assert fragment in {x.attrs.get("id") for x in other.elements}, (page_path, href)
