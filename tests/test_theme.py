"""Themes, languages and the page budget: each test builds its own small workspace."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kitgen.errors import KitgenError
from kitgen.guides import LAYOUTS, builtin_guides
from kitgen.platforms import builtin_platforms

from .conftest import Workspace
from .html_tools import parse

TEN = ["linkedin", "x", "facebook", "instagram", "youtube", "mastodon", "bluesky",
       "microsoft-teams", "zoom", "email-signature"]  # fmt: skip

TEN_PLATFORMS = f"""
    title = "Ten"
    summary = "Ten platforms at once."
    starts = 2026-11-01
    ends = 2026-12-31
    platforms = {TEN!r}

    [[artwork]]
    file = "artwork/hero.jpg"
    slots = ["cover", "background", "signature"]
    alt = "A wide gradient"

    [[artwork]]
    file = "artwork/badge.png"
    slots = ["profile"]
    alt = "A square badge"
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_first_view_of_a_ten_platform_page_is_under_300_kb(workspace: Workspace) -> None:
    workspace.campaign(
        "ten", TEN_PLATFORMS, {"artwork/hero.jpg": (3000, 1700), "artwork/badge.png": (1000, 1000)}
    )
    workspace.build()
    page_path = workspace.out / "ten" / "index.html"
    html = page_path.read_text("utf-8")
    assert html.count('<section class="platform"') == 10
    # What a browser fetches before scrolling: the page, its CSS, JS and icon, and every
    # image that is not lazy-loaded (a <picture> fetches its WebP, not the fallback).
    eager = re.findall(r'<(?:link|script)[^>]* (?:href|src)="([^"]+)"', html)
    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    eager += [re.findall(r'srcset="([^"]+)"', p)[0] for p in pictures if 'loading="lazy"' not in p]
    bare = re.sub(r"<picture>.*?</picture>", "", html, flags=re.S)
    eager += re.findall(r'<img (?![^>]*loading="lazy")[^>]* src="([^"]+)"', bare)
    total = len(html.encode()) + sum((page_path.parent / url).stat().st_size for url in eager)
    assert total < 300_000, total
    # Scrolling through all ten platforms stays light too: each WebP preview once.
    webps = {re.findall(r'srcset="([^"]+)"', p)[0] for p in pictures}
    everything = total + sum((page_path.parent / url).stat().st_size for url in webps)
    assert everything < 1_000_000, everything
    # Everything below the fold waits until it is scrolled to.
    assert html.count('loading="lazy"') >= 30


def test_a_workspace_theme_overrides_single_files_and_falls_back_for_the_rest(
    simple: Workspace,
) -> None:
    theme = simple.root / "themes" / "brand"
    write(simple.root / "kitgen.toml", 'title = "Brand kit"\ntheme = "brand"\n')
    write(
        theme / "templates" / "index.html",
        """\
        {% extends "default/index.html" %}
        {% block main %}<p class="brand-banner">Brand index</p>{{ super() }}{% endblock %}
        """,
    )
    write(theme / "static" / "style.css", "/* brand */ body { background: #fff; }\n")
    write(theme / "strings" / "en.toml", '[notice]\nheading = "Your call, always"\n')
    simple.build()

    index = (simple.out / "index.html").read_text("utf-8")
    assert '<p class="brand-banner">Brand index</p>' in index
    assert "Simple" in index  # the default index's own content, through super()
    campaign = (simple.out / "simple" / "index.html").read_text("utf-8")
    assert 'class="platform"' in campaign  # the default template, not overridden
    assert "Your call, always" in campaign  # one string overridden, the rest kept
    assert "Using these images is voluntary" in campaign
    assets = simple.out / "assets"
    assert next(assets.glob("style.*.css")).read_text().startswith("/* brand */")
    assert "addCopyButtons" in next(assets.glob("kit.*.js")).read_text()  # default's


def test_a_second_language_renders_pages_and_steps_in_it(simple: Workspace) -> None:
    write(simple.root / "kitgen.toml", 'language = "de"\n')
    simple.build()
    page = parse(simple.out / "simple" / "index.html")
    assert page.all("html")[0].attrs["lang"] == "de"
    text = page.plain_text
    assert "Ganz Ihre Entscheidung" in text
    assert "Die Nutzung dieser Bilder ist freiwillig" in text
    assert "Verfügbar bis 31. Dezember 2026" in text
    assert "Öffnen Sie LinkedIn" in text  # the platform steps, translated too
    assert "Voluntary" not in text and "Download everything" not in text
    index = parse(simple.out / "index.html").plain_text
    assert "Laufende Kampagnen" in index
    terms = parse(simple.out / "simple" / "terms" / "index.html").plain_text
    assert "Bitte bearbeiten, färben, beschneiden" in terms


def test_every_theme_string_is_translated_to_german() -> None:
    import tomllib

    strings = Path(__file__).resolve().parent.parent / "themes" / "default" / "strings"
    en = tomllib.loads((strings / "en.toml").read_text("utf-8"))
    de = tomllib.loads((strings / "de.toml").read_text("utf-8"))

    def keys(d: dict[str, object], prefix: str = "") -> set[str]:
        out = set()
        for k, v in d.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    assert keys(en) == keys(de)


def test_an_empty_workspace_shows_a_friendly_empty_state(workspace: Workspace) -> None:
    (workspace.root / "campaigns").mkdir(parents=True)
    workspace.build()
    text = parse(workspace.out / "index.html").plain_text
    assert "Nothing here yet" in text
    assert "When one is ready, it will appear on this page" in text


def test_base_url_fills_only_the_canonical_link(simple: Workspace) -> None:
    simple.build(base_url="https://intranet.example/kit/")
    for rel in ("index.html", "simple/index.html", "simple/terms/index.html"):
        page = parse(simple.out / rel)
        canonical = [e for e in page.all("link") if e.attrs.get("rel") == "canonical"]
        assert [c.attrs["href"] for c in canonical] == [f"https://intranet.example/kit/{rel}"]
        for e in page.elements:
            for attr in ("href", "src", "srcset"):
                url = e.attrs.get(attr, "")
                if url.startswith("https://intranet.example"):
                    assert e.tag == "link", e


def test_every_builtin_platform_has_a_guide_in_english_and_german() -> None:
    en, de = builtin_guides("en"), builtin_guides("de")
    assert set(en) == set(builtin_platforms()) == set(de)
    for pid, guide in en.items():
        assert guide.layout in LAYOUTS, pid
        assert guide.change and guide.revert and guide.help, pid
        for link in guide.help:
            parts = urlsplit(link.url)
            assert parts.scheme == "https" and not parts.query and not parts.fragment, link
        assert de[pid].lang == "de" and de[pid].change != guide.change, pid


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_language_without_guide_texts_falls_back_to_english(language: str) -> None:
    guides = builtin_guides(language)
    assert guides["linkedin"].lang in ("en", language)
    if language == "fr":
        assert guides["linkedin"].lang == "en"


def test_a_theme_file_linked_from_outside_the_theme_is_refused(
    simple: Workspace, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the intranet\n")
    write(simple.root / "kitgen.toml", 'theme = "brand"\n')
    static = simple.root / "themes" / "brand" / "static"
    static.mkdir(parents=True)
    (static / "notes.txt").symlink_to(secret)
    with pytest.raises(
        KitgenError, match=r"themes/brand/static/notes.txt: leads outside the theme"
    ):
        simple.build()
    assert not simple.out.exists()
