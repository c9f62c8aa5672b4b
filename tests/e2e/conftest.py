"""Fixtures for the end-to-end layer: one nginx, one Chromium, one built kit per session.

Reuse them in any browser test:

- `nginx_kit`: base URL (ending in "/") of the sample kit, served by nginx under a sub-path
  with the deploy config from deploy/nginx/kitgen.conf;
- `browser`: the session's headless Chromium (Playwright `Browser`);
- `open_page_factory(**context_options)`: a `RecordedPage` in a new context (viewport,
  color_scheme, java_script_enabled...), closed after the test;
- `recorded_page` / `page`: the same with default options, as `RecordedPage` / Playwright `Page`.

`RecordedPage.problems(nginx_kit)` lists every request to another origin, console error,
uncaught exception, failed request and CSP violation the page produced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from . import nginx, tools
from .browser import RecordedPage, launch, open_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def nginx_kit(sample_kit: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample kit through nginx with the deploy config; yield its base URL."""
    executable = tools.nginx()
    with nginx.serve(executable, sample_kit, tmp_path_factory.mktemp("nginx")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start one headless Debian Chromium for the whole session."""
    executable = tools.chromium()
    with sync_playwright() as playwright:
        chromium = launch(playwright, executable)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page_factory(browser: Browser) -> Iterator[Callable[..., RecordedPage]]:
    """Open recorded pages in fresh contexts; close them all after the test."""
    opened: list[RecordedPage] = []

    def _open(**context_options: object) -> RecordedPage:
        recorded = open_page(browser, **context_options)
        opened.append(recorded)
        return recorded

    yield _open
    for recorded in opened:
        recorded.context.close()


@pytest.fixture
def recorded_page(open_page_factory: Callable[..., RecordedPage]) -> RecordedPage:
    """A recorded page at desktop size, light colour scheme, JavaScript on."""
    return open_page_factory()


@pytest.fixture
def page(recorded_page: RecordedPage) -> Page:
    """The Playwright page of `recorded_page`."""
    return recorded_page.page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The git-ignored folder for screenshots a person can look at after the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
