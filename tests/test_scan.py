"""The no-tracking guarantee: every vector a theme or Markdown can bring fails the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kitgen import scan
from kitgen.build import build
from kitgen.errors import ContentError

from .conftest import TODAY, write_image

CAMPAIGN = """\
title = "C"
summary = "Plain words."
ends = 2026-12-31
platforms = ["linkedin"]

[[artwork]]
file = "artwork/badge.png"
slots = ["profile"]
alt = "A badge"
"""
PAGE = "c/index.html"
# Injected into a theme's campaign.html on its line 3.
TEMPLATE = (
    '{% extends "default/campaign.html" %}\n{% block main %}{{ super() }}\n{snippet}\n'
    "{% endblock %}\n"
)


class Kit:
    """One small workspace whose images are made once; each test adds a theme or text to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "campaigns" / "c"
        self.theme = root / "themes" / "brand"

    def template(self, snippet: str) -> None:
        path = self.theme / "templates" / "campaign.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE.replace("{snippet}", snippet), "utf-8")

    def static(self, name: str, text: str) -> None:
        path = self.theme / "static" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def build(self) -> Path:
        out = self.root / "output"
        build(self.root, out=out, today=TODAY, jobs=1)
        return out

    def errors(self) -> str:
        with pytest.raises(ContentError) as caught:
            self.build()
        return "\n".join(caught.value.problems)

    def reset(self) -> None:
        shutil.rmtree(self.theme, ignore_errors=True)
        self.theme.mkdir(parents=True)
        (self.folder / "campaign.toml").write_text(CAMPAIGN, "utf-8")
        for name in ("notice.md", "terms.md"):
            (self.folder / name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def shared_kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    kit = Kit(tmp_path_factory.mktemp("trust") / "ws")
    write_image(kit.folder / "artwork" / "badge.png", (900, 900))
    (kit.root / "kitgen.toml").write_text('theme = "brand"\n', "utf-8")
    kit.reset()
    kit.build()  # fills the image cache: later builds only render pages
    return kit


@pytest.fixture
def kit(shared_kit: Kit) -> Iterator[Kit]:
    shared_kit.reset()
    yield shared_kit
    shared_kit.reset()


# (id, snippet on line 3 of the theme's campaign.html, expected problem)
TEMPLATE_VECTORS = [
    (
        "img",
        '<img src="https://px.example/p.gif" alt="">',
        "<img src> loads 'https://px.example/p.gif' from another origin",
    ),
    (
        "srcset",
        '<img src="a.png" srcset="a.png 1x, https://px.example/b.png 2x" alt="">',
        "<img srcset> loads 'https://px.example/b.png'",
    ),
    (
        "script",
        '<script src="https://cdn.example/a.js"></script>',
        "<script src> loads 'https://cdn.example/a.js'",
    ),
    (
        "stylesheet",
        '<link rel="stylesheet" href="https://cdn.example/a.css">',
        "<link rel='stylesheet' href> loads 'https://cdn.example/a.css'",
    ),
    (
        "preload",
        '<link rel="preload" as="font" href="//fonts.example/f.woff2">',
        "<link rel='preload' href> loads '//fonts.example/f.woff2'",
    ),
    (
        "iframe",
        '<iframe src="https://video.example/embed" title="v"></iframe>',
        "<iframe src> loads 'https://video.example/embed'",
    ),
    (
        "object",
        '<object data="https://x.example/f.swf"></object>',
        "<object data> loads 'https://x.example/f.swf'",
    ),
    (
        "embed",
        '<embed src="https://x.example/e.swf">',
        "<embed src> loads 'https://x.example/e.swf'",
    ),
    (
        "form",
        '<form action="https://survey.example/submit"></form>',
        "<form action> loads 'https://survey.example/submit'",
    ),
    (
        "svg-image",
        '<svg><image href="https://x.example/i.png"/></svg>',
        "<image href> loads 'https://x.example/i.png'",
    ),
    (
        "svg-use",
        '<svg><use xlink:href="https://x.example/s.svg#i"/></svg>',
        "<use xlink:href> loads 'https://x.example/s.svg#i'",
    ),
    (
        "video-poster",
        '<video poster="https://x.example/p.jpg"></video>',
        "<video poster> loads 'https://x.example/p.jpg'",
    ),
    (
        "backslash",
        '<img src="/\\px.example/p.gif" alt="">',
        "loads '/\\\\px.example/p.gif' from another origin",
    ),
    (
        "style-attr",
        '<p style="background: url(https://x.example/b.png)">x</p>',
        "CSS url() loads 'https://x.example/b.png'",
    ),
    (
        "style-import",
        '<style>@import url("https://fonts.example/css");</style>',
        "CSS url() loads 'https://fonts.example/css'",
    ),
    (
        "inline-cookie",
        '<script>document.cookie = "seen=1";</script>',
        "script reads or sets cookies",
    ),
    (
        "handler-beacon",
        "<button onclick=\"navigator.sendBeacon('/x')\">x</button>",
        "script sends a beacon",
    ),
    (
        "ping",
        '<a href="index.html" ping="https://t.example/">x</a>',
        "<a ping> reports every click to 'https://t.example/'",
    ),
    (
        "utm",
        '<a href="https://help.example/?utm_source=kit" rel="noreferrer noopener">x</a>',
        "carries utm_source, which marks who clicked",
    ),
    (
        "query",
        '<a href="https://help.example/page?lang=en" rel="noreferrer noopener">x</a>',
        "has a query string, which could identify a person",
    ),
    ("no-rel", '<a href="https://help.example/page">x</a>', 'needs rel="noreferrer noopener"'),
    ("token", '<a href="index.html?token=8f3a2c">x</a>', "carries token, which marks who clicked"),
    ("fragment-id", '<a href="#uid=42">x</a>', "carries uid, which marks who clicked"),
    (
        "meta-refresh",
        '<meta http-equiv="refresh" content="0; url=https://t.example/">',
        "<meta refresh> sends the page on to 'https://t.example/'",
    ),
    (
        "srcdoc",
        '<iframe title="x" srcdoc="<img src=&quot;https://px.example/s.gif&quot;>"></iframe>',
        "<img src> loads 'https://px.example/s.gif'",
    ),
]


@pytest.mark.parametrize(
    ("snippet", "problem"), [v[1:] for v in TEMPLATE_VECTORS], ids=[v[0] for v in TEMPLATE_VECTORS]
)
def test_a_theme_template_that_tracks_fails_the_build(kit: Kit, snippet: str, problem: str) -> None:
    kit.template(snippet)
    errors = kit.errors()
    assert problem in errors
    line = next(e for e in errors.splitlines() if problem in e)
    assert re.match(rf"{PAGE}:\d+: ", line), line
    assert line.endswith("(from themes/brand/templates/campaign.html:3)"), line


# (id, static file, its text with the vector on line 2, expected problem)
STATIC_VECTORS = [
    (
        "css-url",
        "style.css",
        "body { color: red; }\nbody { background: url('https://x.example/b.png'); }\n",
        "CSS url() loads 'https://x.example/b.png'",
    ),
    (
        "css-import",
        "style.css",
        '/* brand */\n@import "https://fonts.example/css";\n',
        "CSS @import loads 'https://fonts.example/css'",
    ),
    (
        "css-font",
        "style.css",
        "@font-face { font-family: B;\n  src: url(//fonts.example/b.woff2) format('woff2'); }\n",
        "CSS url() loads '//fonts.example/b.woff2'",
    ),
    (
        "css-image-set",
        "style.css",
        "h1 {\n  background: image-set('https://x.example/a.png' 1x); }\n",
        "CSS image-set() loads 'https://x.example/a.png'",
    ),
    (
        "cookie",
        "kit.js",
        '"use strict";\nconst seen = document.cookie;\n',
        "script reads or sets cookies",
    ),
    (
        "localStorage",
        "kit.js",
        '"use strict";\nlocalStorage.setItem("visited", "1");\n',
        "stores data in the browser",
    ),
    (
        "sessionStorage",
        "kit.js",
        '"use strict";\nwindow.sessionStorage.visited = 1;\n',
        "stores data in the browser",
    ),
    (
        "indexedDB",
        "kit.js",
        '"use strict";\nindexedDB.open("kit");\n',
        "stores data in the browser",
    ),
    (
        "sendBeacon",
        "kit.js",
        '"use strict";\nnavigator.sendBeacon("stats", "seen");\n',
        "sends a beacon",
    ),
    (
        "fetch",
        "kit.js",
        '"use strict";\nfetch("https://stats.example/hit");\n',
        "script fetch() to 'https://stats.example/hit'",
    ),
    (
        "fetch-computed",
        "kit.js",
        '"use strict";\nfetch(`/hit?u=${user}`);\n',
        "script fetch() to a computed address",
    ),
    (
        "xhr",
        "kit.js",
        '"use strict";\nconst r = new XMLHttpRequest(); r.open("GET", url);\n',
        "script XMLHttpRequest to an address other than",
    ),
    (
        "websocket",
        "kit.js",
        '"use strict";\nnew WebSocket("wss://live.example/");\n',
        "script new WebSocket() to 'wss://live.example/'",
    ),
    (
        "eventsource",
        "kit.js",
        '"use strict";\nnew EventSource(feed);\n',
        "script new EventSource() to a computed address",
    ),
    (
        "pixel",
        "kit.js",
        '"use strict";\nnew Image().src = "https://px.example/p.gif";\n',
        "script names 'https://px.example/p.gif' on another origin",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "problem"), [v[1:] for v in STATIC_VECTORS], ids=[v[0] for v in STATIC_VECTORS]
)
def test_a_theme_static_file_that_tracks_fails_the_build(
    kit: Kit, name: str, text: str, problem: str
) -> None:
    kit.static(name, text)
    line = next(e for e in kit.errors().splitlines() if problem in e)
    stem, ext = name.split(".")
    assert re.match(rf"assets/{stem}\.[0-9a-f]{{10}}\.{ext}:2: ", line), line
    assert line.endswith(f"(from themes/brand/static/{name}:2)"), line


@pytest.mark.parametrize(
    ("file", "text", "problem"),
    [
        (
            "notice.md",
            "Hello.\n\n[Help](https://help.example/?utm_campaign=spring)\n",
            "utm_campaign",
        ),
        (
            "terms.md",
            "Terms.\n\nSee [the rules](https://help.example/rules#fbclid=abc).\n",
            "fbclid",
        ),
        ("notice.md", "Hi.\n[Survey](https://help.example/form?employee=4711)\n", "employee"),
    ],
)
def test_markdown_with_a_tracking_link_fails_naming_the_markdown_file(
    kit: Kit, file: str, text: str, problem: str
) -> None:
    (kit.folder / file).write_text(text, "utf-8")
    line = next(e for e in kit.errors().splitlines() if problem in e)
    assert f"(from campaigns/c/{file}:" in line and line.startswith("c/"), line


def test_a_summary_with_a_tracking_link_names_campaign_toml(kit: Kit) -> None:
    toml = kit.folder / "campaign.toml"
    toml.write_text(
        toml.read_text().replace("Plain words.", "[Read](https://intranet.example/?ref=kit)"),
        "utf-8",
    )
    assert "carries ref, which marks" in kit.errors()
    assert "(from campaigns/c/campaign.toml:2" in kit.errors()


def test_a_notice_note_with_a_tracking_link_names_kitgen_toml(kit: Kit) -> None:
    site = kit.root / "kitgen.toml"
    site.write_text(
        'theme = "brand"\n\n[[notice]]\naudience = "Staff"\n'
        'text = "[Policy](https://intranet.example/policy?uid=7)"\n',
        "utf-8",
    )
    try:
        errors = kit.errors()
    finally:
        site.write_text('theme = "brand"\n', "utf-8")
    assert "carries uid, which marks who clicked" in errors
    assert "(from kitgen.toml:5; also in 1 other file)" in errors


def test_a_failed_scan_leaves_the_previous_output_untouched(kit: Kit) -> None:
    out = kit.build()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    kit.template('<img src="https://px.example/p.gif" alt="">')
    kit.errors()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_plain_help_links_and_own_files_are_allowed(kit: Kit) -> None:
    kit.template(
        '<a href="https://help.example/change-photo" rel="noreferrer noopener">Help</a>'
        ' <a href="../index.html#current">All</a> <a href="mailto:comms@example.com">Mail</a>'
        ' <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">'
    )
    kit.static(
        "kit.js",
        textwrap.dedent(
            """\
            // Docs: https://developer.mozilla.org/ (a comment, never loaded)
            fetch("../manifest.json").then((r) => r.json());
            const re = /https?:\\/\\/"/;
            """
        ),
    )
    (kit.folder / "notice.md").write_text("[Help](https://help.example/page)\n", "utf-8")
    out = kit.build()
    assert (out / PAGE).is_file()


def test_the_sample_kit_passes_the_scan(sample_kit: Path) -> None:
    paths = {p.relative_to(sample_kit).as_posix(): "" for p in sample_kit.rglob("*") if p.is_file()}
    assert scan.scan_tree(sample_kit, paths) == []


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("https://x.example/a", True),
        ("//x.example/a", True),
        ("/\\x.example/a", True),
        (" ht\ttps://x.example/", True),
        ("ftp://x.example/", True),
        ("data:image/png;base64,AA", False),
        ("../assets/a.png", False),
        ("a.png", False),
        ("/assets/a.png", False),
    ],
)
def test_other_origin_is_decided_the_way_browsers_parse_urls(url: str, other: bool) -> None:
    assert scan.is_other_origin(url) is other


def test_the_command_line_exits_1_naming_file_line_and_origin(kit: Kit) -> None:
    kit.static("kit.js", '"use strict";\nlocalStorage.setItem("seen", "1");\n')
    result = subprocess.run(
        [sys.executable, "-m", "kitgen", "build", "--root", str(kit.root), "-j", "1"],
        env={**os.environ, "CI": "true"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(
        r"^Error: assets/kit\.[0-9a-f]{10}\.js:2: script stores data in the browser"
        r" \(localStorage, sessionStorage or indexedDB\) \(from themes/brand/static/kit\.js:2\)$",
        result.stderr,
        re.MULTILINE,
    ), result.stderr
