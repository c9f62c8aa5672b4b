"""The live preview in a real browser: it reloads by itself and shows problems, under strict CSP."""

from __future__ import annotations

from collections.abc import Callable

from ..conftest import Workspace
from ..serve_tools import Serve, save, wait_until
from .browser import RecordedPage


def test_the_preview_reloads_by_itself_and_shows_problems_without_complaints(
    simple: Workspace, open_page_factory: Callable[..., RecordedPage]
) -> None:
    toml = simple.root / "campaigns" / "simple" / "campaign.toml"
    good = toml.read_text()
    server = Serve("--root", str(simple.root))
    try:
        server.wait_for("^built ")
        recorded = open_page_factory()
        page = recorded.page
        page.goto(server.url + "simple/")
        assert page.inner_text("h1") == "Simple"

        save(toml, good.replace('title = "Simple"', 'title = "Simple, live"'))
        wait_until(lambda: page.inner_text("h1") == "Simple, live", what="a reload")

        mark = server.mark()
        save(toml, good.replace('title = "Simple"', "title = 'Simple"))
        problem = server.wait_for("^Error: ", mark)
        panel = page.locator(".kitgen-preview-error")
        wait_until(panel.is_visible, what="the problem panel")
        assert problem in panel.inner_text()  # the terminal's message, word for word
        assert panel.evaluate("e => getComputedStyle(e).position") == "fixed"
        assert page.inner_text("h1") == "Simple, live"  # the last good preview, underneath

        save(toml, good)
        wait_until(lambda: panel.count() == 0 and page.inner_text("h1") == "Simple")
        # Reloading cancels the page's own event stream; that is the only failure allowed.
        problems = [p for p in recorded.problems(server.url) if "/__kitgen__/events" not in p]
        assert problems == []
    finally:
        assert server.stop() == 0
