"""The live preview: real files, a real HTTP server, real reload streams, bounded waits."""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from kitgen.cli import main
from kitgen.errors import ContentError
from kitgen.serve import LivePreview, describe
from kitgen.server import Snapshot, inject
from kitgen.watch import Watcher, ignore_patterns, is_relevant

from .conftest import Workspace, write_image
from .serve_tools import WAIT, Events, Serve, fetch, save, wait_until

# --- pure parts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "relevant"),
    [
        ("kitgen.toml", True),
        ("campaigns/spring/campaign.toml", True),
        ("campaigns/spring/artwork/hero.jpg", True),
        ("themes/brand/static/style.css", True),
        ("output/index.html", False),
        (".kitgen-cache/preview/1/index.html", False),
        ("README.md", False),
        ("campaigns/spring/.campaign.toml.swp", False),
        ("campaigns/spring/campaign.toml~", False),
        ("campaigns/spring/artwork/.DS_Store", False),
        ("campaigns/spring/artwork/hero.jpg.tmp", False),
        ("campaigns/spring/artwork/HERO.TMP", False),
        ("campaigns/spring/artwork/hero.jpg.crdownload", False),
        ("campaigns/spring/4913", False),
        ("campaigns/spring/#notice.md#", False),
        ("campaigns/.git/HEAD", False),
        ("themes/brand/static/Thumbs.db", False),
    ],
)
def test_only_workspace_inputs_that_are_not_clutter_count(path: str, relevant: bool) -> None:
    assert is_relevant(PurePosixPath(path), ignore_patterns()) is relevant


PAGE = """<!doctype html>
<html lang="en">
<head>
<title>T</title>
</head>
<body class="k">
<h1>T</h1>
</body>
</html>
"""
TAGS = """<link rel="stylesheet" href="/__kitgen__/preview.css">
<script src="/__kitgen__/reload.js" data-version="7" defer></script>
"""


def test_the_reload_script_is_added_as_an_external_file() -> None:
    served = inject(PAGE, Snapshot(Path("."), None, 7))
    assert served == PAGE.replace("</head>", TAGS + "</head>")


def test_a_problem_is_shown_escaped_over_the_page() -> None:
    served = inject(PAGE, Snapshot(Path("."), "Error: a.toml: <script>alert(1)</script>", 3))
    body = served[served.index('<body class="k">') :]
    assert body.startswith('<body class="k">\n<aside class="kitgen-preview-error" role="alert"')
    assert "Error: a.toml: &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in served and "style=" not in served
    assert body.index("kitgen-preview-error") < body.index("<h1>T</h1>")  # page stays underneath


def test_the_rebuilt_line_names_what_changed() -> None:
    before = {"index.html": "a", "one/index.html": "a", "one/x/p.jpg": "a", "two/index.html": "a"}
    after = {**before, "one/index.html": "b", "one/x/p.jpg": "b", "assets/s.1.css": "c"}
    assert describe(before, after, 1) == "one: 1 image, 1 page"
    assert describe({}, before, 4) == "one, two: 4 images, 3 pages"
    assert describe(before, before, 0) == ""
    gone = {k: v for k, v in before.items() if not k.startswith("two/")}
    assert describe(before, gone, 0) == "two: 0 images, 1 page"


# --- the watcher ---------------------------------------------------------


def test_a_burst_of_edits_is_one_batch_without_clutter(tmp_path: Path) -> None:
    artwork = tmp_path / "campaigns" / "spring" / "artwork"
    artwork.mkdir(parents=True)
    images = [write_image(tmp_path / f"src{i}.png", (40, 30)).read_bytes() for i in range(20)]
    # Quiet periods far longer than the burst takes, so a busy machine cannot split it.
    with Watcher(tmp_path, quiet=1.0, settle=1.0) as watcher:
        for name in (".campaign.toml.swp", "campaign.toml~", ".DS_Store", "hero.jpg.tmp", "4913"):
            (artwork.parent / name).write_text("clutter")
        (tmp_path / "README.md").write_text("not an input")
        (tmp_path / "output").mkdir()
        (tmp_path / "output" / "index.html").write_text("not an input")
        (artwork.parent / "campaign.toml").write_text('title = "Spring"\n')
        for i, data in enumerate(images):
            (artwork / f"drop-{i:02}.png").write_bytes(data)
        batch = watcher.next_batch(timeout=WAIT)
    assert batch is not None
    names = {p.relative_to(tmp_path).as_posix() for p in batch if not p.is_dir()}
    assert names == {"campaigns/spring/campaign.toml"} | {
        f"campaigns/spring/artwork/drop-{i:02}.png" for i in range(20)
    }


def test_an_image_still_being_copied_is_waited_for(tmp_path: Path) -> None:
    folder = tmp_path / "campaigns" / "spring" / "artwork"
    folder.mkdir(parents=True)
    data = write_image(tmp_path / "big.png", (600, 400)).read_bytes()
    target = folder / "hero.png"

    def slow_copy() -> None:
        # A copy that stalls longer than the ordinary quiet period, like a network drive.
        with target.open("wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            time.sleep(0.5)
            handle.write(data[len(data) // 2 :])

    with Watcher(tmp_path, quiet=0.1, settle=1.5) as watcher:
        copier = threading.Thread(target=slow_copy)
        copier.start()
        batch = watcher.next_batch(timeout=WAIT)
        seen = target.read_bytes()
        copier.join()
    assert batch is not None and target in batch
    assert seen == data


def test_site_settings_are_watched_but_not_the_rest_of_the_root(tmp_path: Path) -> None:
    with Watcher(tmp_path, quiet=0.05) as watcher:
        (tmp_path / "notes.txt").write_text("not an input")
        (tmp_path / "kitgen.toml").write_text('title = "Kit"\n')
        batch = watcher.next_batch(timeout=WAIT)
    assert batch == {tmp_path / "kitgen.toml"}


def test_campaigns_created_after_start_are_watched(tmp_path: Path) -> None:
    with Watcher(tmp_path, quiet=0.05) as watcher:
        (tmp_path / "campaigns" / "new").mkdir(parents=True)
        first = watcher.next_batch(timeout=WAIT)
        assert first is not None and tmp_path / "campaigns" in first
        (tmp_path / "campaigns" / "new" / "campaign.toml").write_text('title = "New"\n')
        second = watcher.next_batch(timeout=WAIT)
    assert second is not None and tmp_path / "campaigns" / "new" / "campaign.toml" in second


# --- the server, in process, with a stand-in builder ----------------------


def fake_builder(root: Path) -> Callable[[Path], int]:
    """Build a one-page 'kit' from campaigns/*/title.txt; the word 'broken' is a content error."""

    def build(folder: Path) -> int:
        titles = sorted(p.read_text() for p in root.glob("campaigns/*/title.txt"))
        if any("broken" in t for t in titles):
            raise ContentError(["campaigns/a/title.txt: broken — fix it"])
        if any("crash" in t for t in titles):
            raise RuntimeError("a bug")
        (folder / "a").mkdir(parents=True)
        body = "".join(f"<h1>{t}</h1>" for t in titles)
        page = f"<!doctype html><html><head><title>k</title></head><body>{body}</body></html>"
        (folder / "index.html").write_text(page)
        (folder / "a" / "style.css").write_text("h1 { color: teal; }")
        return 0

    return build


@contextlib.contextmanager
def running(root: Path, builder: Callable[[Path], int]) -> Iterator[LivePreview]:
    preview = LivePreview(root, builder, port=0, quiet=0.05)
    stop = threading.Event()
    with preview:
        thread = threading.Thread(target=preview.run, args=(stop,))
        thread.start()
        try:
            wait_until(lambda: preview.state.snapshot().version >= 1, what="the first build")
            yield preview
        finally:
            stop.set()
            thread.join(timeout=WAIT)


def edit(root: Path, text: str) -> None:
    (root / "campaigns" / "a").mkdir(parents=True, exist_ok=True)
    (root / "campaigns" / "a" / "title.txt").write_text(text)


def test_pages_get_the_script_as_served_and_files_on_disk_stay_clean(tmp_path: Path) -> None:
    edit(tmp_path, "Hello")
    with running(tmp_path, fake_builder(tmp_path)) as preview:
        status, headers, page = fetch(preview.url)
        assert status == 200 and "<h1>Hello</h1>" in page
        assert 'src="/__kitgen__/reload.js"' in page
        assert headers["Content-Security-Policy"] == "default-src 'self'"
        assert headers["Cache-Control"] == "no-store"
        folder = preview.state.snapshot().folder
        assert folder is not None and "reload.js" not in (folder / "index.html").read_text()

        status, headers, script = fetch(preview.url + "__kitgen__/reload.js")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")
        assert "EventSource" in script
        assert fetch(preview.url + "__kitgen__/preview.css")[0] == 200
        assert fetch(preview.url + "__kitgen__/nope")[0] == 404
        assert fetch(preview.url + "a/")[0] == 404  # no folder listings
        assert fetch(preview.url + "a/style.css")[2] == "h1 { color: teal; }"


def test_a_connected_page_is_told_to_reload_after_each_rebuild(tmp_path: Path) -> None:
    edit(tmp_path, "One")
    with running(tmp_path, fake_builder(tmp_path)) as preview:
        version = preview.state.snapshot().version
        events = Events(preview.url, version)
        stale = Events(preview.url, version - 1)
        try:
            assert stale.next_event() == "reload"  # the page is older than the preview
            edit(tmp_path, "Two")
            assert events.next_event() == "reload"
            assert "<h1>Two</h1>" in fetch(preview.url)[2]
            edit(tmp_path, "Three")
            assert events.next_event() == "reload"
            assert "<h1>Three</h1>" in fetch(preview.url)[2]
        finally:
            events.close()
            stale.close()


def test_problems_and_bugs_are_shown_and_the_server_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(tmp_path, "Good")
    with running(tmp_path, fake_builder(tmp_path)) as preview:
        events = Events(preview.url, preview.state.snapshot().version)
        try:
            edit(tmp_path, "broken")
            assert events.next_event() == "reload"
            page = fetch(preview.url)[2]
            assert "Error: campaigns/a/title.txt: broken — fix it" in page
            assert "<h1>Good</h1>" in page  # the last good preview, underneath

            edit(tmp_path, "crash")
            assert events.next_event() == "reload"
            assert (
                "kitgen failed unexpectedly (RuntimeError(&#x27;a bug&#x27;))"
                in fetch(preview.url)[2]
            )

            edit(tmp_path, "Fixed")
            assert events.next_event() == "reload"
            page = fetch(preview.url)[2]
            assert "<h1>Fixed</h1>" in page and "kitgen-preview-error" not in page
        finally:
            events.close()
    err = capsys.readouterr().err
    assert "Error: campaigns/a/title.txt: broken — fix it" in err
    assert "RuntimeError: a bug" in err  # a real bug keeps its traceback in the terminal


def test_old_builds_are_removed_but_never_the_one_on_show(tmp_path: Path) -> None:
    edit(tmp_path, "v1")
    with running(tmp_path, fake_builder(tmp_path)) as preview:
        events = Events(preview.url, preview.state.snapshot().version)
        try:
            for text in ("v2", "v3", "broken", "broken again"):
                edit(tmp_path, text)
                assert events.next_event() == "reload"
        finally:
            events.close()
        # Builds 4 and 5 failed: build 3 is still on show, 1 and 2 go.
        wait_until(lambda: sorted(os.listdir(preview.folder)) == ["3"], what="tidying")
        page = fetch(preview.url)[2]
        assert "<h1>v3</h1>" in page and "kitgen-preview-error" in page


def test_a_failed_first_build_shows_the_problem_until_fixed(tmp_path: Path) -> None:
    edit(tmp_path, "broken")
    with running(tmp_path, fake_builder(tmp_path)) as preview:
        status, _, page = fetch(preview.url + "anything/index.html")
        assert status == 503 and "No preview yet" in page
        assert "Error: campaigns/a/title.txt: broken" in page
        edit(tmp_path, "Better")
        wait_until(lambda: fetch(preview.url)[0] == 200, what="the fixed build")
        assert "<h1>Better</h1>" in fetch(preview.url)[2]


# --- the real command, as a person runs it --------------------------------


@pytest.fixture
def two(workspace: Workspace) -> Workspace:
    """Two small campaigns, so a change to one can be told apart from a rebuild of both."""
    toml = """
        title = "{title}"
        platforms = ["linkedin"]

        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["cover", "profile"]
        alt = "A gradient"
    """
    workspace.campaign("one", toml.format(title="One"), {"artwork/hero.jpg": (1700, 900)})
    workspace.campaign("two", toml.format(title="Two"), {"artwork/hero.jpg": (1600, 900)})
    (workspace.out).mkdir()
    (workspace.out / "keep.txt").write_text("published kit")
    return workspace


def test_serve_previews_edits_live_and_never_touches_output(two: Workspace) -> None:
    server = Serve("--root", str(two.root))
    try:
        first = server.wait_for(r"^built ")
        assert re.fullmatch(r"built one, two: 4 images, 5 pages in \d+\.\d\d s", first)
        page = fetch(server.url + "one/")[2]
        assert "<h1>One</h1>" in page
        version = re.search(r'data-version="(\d+)"', page)
        assert version
        events = Events(server.url, version.group(1))
        mark = server.mark()
        try:
            toml = two.root / "campaigns" / "one" / "campaign.toml"
            save(toml, toml.read_text().replace('"One"', '"One, renamed"'))
            assert events.next_event() == "reload"
        finally:
            events.close()
        assert "<h1>One, renamed</h1>" in fetch(server.url + "one/")[2]
        line = server.wait_for("^rebuilt", mark)
        assert re.fullmatch(r"rebuilt one: 0 images, \d pages? in \d+\.\d\d s", line)

        # A new artwork for one campaign remakes that campaign's two images and nothing else.
        mark = server.mark()
        write_image(two.root / "campaigns" / "one" / "artwork" / "hero.jpg", (1800, 1000))
        line = server.wait_for("^rebuilt one: [1-9]", mark)
        assert re.fullmatch(r"rebuilt one: 2 images, \d pages? in \d+\.\d\d s", line)

        # A theme folder that appears later is watched too, and an edited template is never
        # served from the compiled-template cache.
        override = two.root / "themes" / "default" / "templates" / "terms.html"
        override.parent.mkdir(parents=True)
        terms = '{% extends "default/terms.html" %}{% block title %}Terms v1{% endblock %}\n'
        override.write_text(terms)
        wait_until(lambda: "<title>Terms v1</title>" in fetch(server.url + "two/terms/")[2])
        save(override, terms.replace("v1", "v2"))
        wait_until(lambda: "<title>Terms v2</title>" in fetch(server.url + "two/terms/")[2])
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert server.lines[-1] == "stopped"
    assert "Traceback" not in server.output
    assert sorted(p.name for p in two.out.iterdir()) == ["keep.txt"]
    assert (two.out / "keep.txt").read_text() == "published kit"
    assert list((two.root / ".kitgen-preview").iterdir()) == []
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)  # no worker or helper process outlived the server


def test_broken_files_show_a_panel_and_the_fix_clears_it(simple: Workspace) -> None:
    server = Serve("--root", str(simple.root))
    toml = simple.root / "campaigns" / "simple" / "campaign.toml"
    badge = simple.root / "campaigns" / "simple" / "artwork" / "badge.png"
    good_toml, good_badge = toml.read_text(), badge.read_bytes()
    try:
        server.wait_for("^built ")

        mark = server.mark()
        save(toml, good_toml.replace('title = "Simple"', "title = 'Simple"))
        problem = server.wait_for("^Error: ", mark)
        assert problem.startswith("Error: campaigns/simple/campaign.toml: ")
        page = fetch(server.url + "simple/")[2]
        assert 'class="kitgen-preview-error"' in page
        assert html.escape(problem) in page  # the same message as the terminal
        assert "<h1>Simple</h1>" in page  # over the last good preview
        mark = server.mark()
        save(toml, good_toml)
        server.wait_for("^rebuilt ", mark)
        assert "kitgen-preview-error" not in fetch(server.url + "simple/")[2]

        mark = server.mark()
        badge.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)  # a corrupt image
        problem = server.wait_for("^Error: ", mark)
        assert "campaigns/simple/artwork/badge.png" in problem
        assert "campaigns/simple/artwork/badge.png" in fetch(server.url + "simple/")[2]
        mark = server.mark()
        badge.write_bytes(good_badge)
        server.wait_for("^rebuilt ", mark)
        assert "kitgen-preview-error" not in fetch(server.url + "simple/")[2]
    finally:
        code = server.stop()
    assert code == 0 and "Traceback" not in server.output


def test_ctrl_c_during_a_build_stops_cleanly_even_when_pressed_twice(
    workspace: Workspace,
) -> None:
    toml = """
        title = "{n}"
        platforms = ["linkedin", "zoom"]

        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["cover", "background"]
        alt = "A gradient"
    """
    for n in range(4):  # several sources, so the first build runs in worker processes
        workspace.campaign(f"c{n}", toml.format(n=n), {"artwork/hero.jpg": (3000 + n, 2000)})
    server = Serve("--root", str(workspace.root))
    os.killpg(server.process.pid, signal.SIGINT)
    os.killpg(server.process.pid, signal.SIGINT)  # the impatient second press
    code = server.stop()
    assert code == 0, server.output
    assert server.lines[-1] == "stopped" and "Traceback" not in server.output
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kitgen", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
    assert result.returncode == 1
    assert f"Error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_serve_help_lists_its_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--root", "--port", "--host", "--open", "output/ is never touched"):
        assert option in result.output


def test_a_missing_workspace_is_bad_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--root", str(tmp_path / "nope"), "--port", "0"])
    assert result.exit_code == 2
    assert "no such folder" in result.output
