from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from kitgen.render import render_markdown

from .html_tools import links, parse

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
