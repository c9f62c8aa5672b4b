"""The recorder that the privacy checks rely on does catch what they forbid."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from .browser import RecordedPage


def other_origin(base_url: str) -> str:
    """The same nginx under another host name: another origin, and still no network."""
    return base_url.replace(urlsplit(base_url).hostname or "", "localhost", 1)


def test_a_request_to_another_origin_is_reported(
    open_page_factory: Callable[..., RecordedPage], nginx_kit: str
) -> None:
    recorded = open_page_factory(bypass_csp=True)  # let the request out, to see it recorded
    recorded.page.goto(nginx_kit)
    foreign = other_origin(nginx_kit) + "manifest.json"
    with recorded.page.expect_request(foreign):
        # The response is refused (Cross-Origin-Resource-Policy), but the request went out.
        recorded.page.evaluate("url => fetch(url, {mode: 'no-cors'}).catch(() => {})", foreign)
    assert f"request to another origin: {foreign}" in recorded.problems(nginx_kit)


def test_a_csp_violation_is_reported(
    open_page_factory: Callable[..., RecordedPage], nginx_kit: str
) -> None:
    recorded = open_page_factory()
    recorded.page.goto(nginx_kit)
    recorded.page.evaluate("url => { new Image().src = url; }", other_origin(nginx_kit) + "x.png")
    recorded.page.wait_for_function("(window.__kitgenCsp || []).length > 0")
    problems = recorded.problems(nginx_kit)
    assert any(p.startswith("CSP violation: img-src blocked") for p in problems), problems
