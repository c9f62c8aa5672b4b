"""Drive Debian's Chromium through Playwright, recording every request and complaint of a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request

# Without the background-networking flags Chromium calls Google hosts on start (updates,
# field trials, safe browsing); the tests must see only the kit's own traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Collected in the page itself: a CSP violation is an event, not always a console message.
# Playwright injects init scripts through DevTools, so the kit's own CSP does not block this.
RECORD_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__kitgenCsp = window.__kitgenCsp || []).push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} in ${e.sourceFile}`
  );
});
"""


def launch(playwright: Playwright, executable: str) -> Browser:
    """Start headless Chromium from `executable` (never a Playwright-downloaded browser)."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


@dataclass
class PageLog:
    """Everything a page did that a test may want to hold against it."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def foreign_requests(self, base_url: str) -> list[str]:
        """Return every request that went to another origin than `base_url`'s."""
        origin = urlsplit(base_url)[:2]
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url)[:2] != origin
        ]


@dataclass
class RecordedPage:
    """A fresh browser context with one page whose traffic and errors are recorded."""

    context: BrowserContext
    page: Page
    log: PageLog

    def csp_violations(self) -> list[str]:
        """Return the CSP violations the page reported (empty where JavaScript is off)."""
        found: list[str] | None = self.page.evaluate("window.__kitgenCsp || []")
        return found or []

    def problems(self, base_url: str) -> list[str]:
        """Return every privacy or health problem seen so far, one line each."""
        return [
            *(f"request to another origin: {url}" for url in self.log.foreign_requests(base_url)),
            *(f"console error: {text}" for text in self.log.console_errors),
            *(f"uncaught exception: {text}" for text in self.log.page_errors),
            *(f"failed request: {text}" for text in self.log.failed),
            *(f"CSP violation: {text}" for text in self.csp_violations()),
        ]


def open_page(browser: Browser, **context_options: object) -> RecordedPage:
    """Open a page in a new context (viewport, colour scheme, JavaScript...) and record it."""
    context = browser.new_context(**context_options)  # type: ignore[arg-type]
    log = PageLog()
    context.on("request", log.on_request)
    context.on("requestfailed", lambda r: log.failed.append(f"{r.url}: {r.failure}"))
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return RecordedPage(context, page, log)
