"""The live preview's web server: the current build, the reload stream and the problem panel.

Request threads only read a PreviewState that the build loop writes. The reload script and
the problem panel are added to HTML as it is served, so built files never contain them, and
every answer carries the published kit's strict Content-Security-Policy.
"""

from __future__ import annotations

import errno
import html
import os
import re
import socket
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from kitgen.errors import KitgenError

INTERNAL = "/__kitgen__/"
# Even the preview is held to the published kit's policy, so a theme that breaks it shows here.
POLICY = "default-src 'self'"
KEEPALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class Snapshot:
    """What the server shows right now: the last good folder, the current problem, a version."""

    folder: Path | None
    error: str | None
    version: int


class PreviewState:
    """The one piece of state the build loop writes and the request threads read."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._now = Snapshot(None, None, 0)
        self._closing = False

    def snapshot(self) -> Snapshot:
        """Return what to serve now."""
        with self._changed:
            return self._now

    def show(self, folder: Path) -> None:
        """Serve a freshly built folder and clear any problem; tell every open page."""
        with self._changed:
            self._now = Snapshot(folder, None, self._now.version + 1)
            self._changed.notify_all()

    def fail(self, error: str) -> None:
        """Keep the last good folder, show the problem over it; tell every open page."""
        with self._changed:
            self._now = Snapshot(self._now.folder, error, self._now.version + 1)
            self._changed.notify_all()

    def close(self) -> None:
        """Release every waiting event stream so the server can stop."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int | None:
        """Wait until the version differs from `seen`; return it, or None on timeout or close."""
        with self._changed:
            self._changed.wait_for(lambda: self._closing or self._now.version != seen, timeout)
            if self._closing or self._now.version == seen:
                return None
            return self._now.version

    @property
    def closing(self) -> bool:
        with self._changed:
            return self._closing


# --- what the browser gets -----------------------------------------------


def preview_file(name: str) -> bytes:
    """Return one of the preview's own files (the reload script, the panel's stylesheet)."""
    return resources.files("kitgen").joinpath(f"data/preview/{name}").read_bytes()


PREVIEW_FILES = {
    "reload.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
}
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def inject(page: str, snapshot: Snapshot) -> str:
    """Add the reload script (and the problem panel, if any) to a page as it is served."""
    tags = (
        f'<link rel="stylesheet" href="{INTERNAL}preview.css">\n'
        f'<script src="{INTERNAL}reload.js" data-version="{snapshot.version}" defer></script>\n'
    )
    head = _HEAD_END.search(page)
    at = head.start() if head else 0
    page = page[:at] + tags + page[at:]
    if snapshot.error is None:
        return page
    body = _BODY_START.search(page)
    at = body.end() if body else len(page)
    return page[:at] + problem_panel(snapshot.error) + page[at:]


def problem_panel(error: str) -> str:
    """Return the panel that shows a build problem over the last good preview."""
    return (
        '\n<aside class="kitgen-preview-error" role="alert" lang="en"'
        ' aria-labelledby="kitgen-preview-error-title">\n'
        '<h2 id="kitgen-preview-error-title">kitgen preview: the last change has a problem</h2>\n'
        "<p>Underneath is the last good preview. Fix the file and save it: this page reloads"
        " by itself.</p>\n"
        f"<pre>{html.escape(error)}</pre>\n"
        "</aside>\n"
    )


def placeholder(snapshot: Snapshot) -> str:
    """Return the page shown before the first build has succeeded."""
    status = "No preview yet: the first build failed." if snapshot.error else "Building…"
    return inject(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>kitgen preview</title>\n</head>\n<body>\n<main>\n<h1>kitgen preview</h1>\n"
        f"<p>{status}</p>\n</main>\n</body>\n</html>\n",
        snapshot,
    )


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serve the current preview folder, the preview's own files and the reload event stream."""

    state: PreviewState  # set on the per-server subclass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == f"{INTERNAL}events":
            self._events(parse_qs(url.query).get("since", [""])[0])
        elif url.path.startswith(INTERNAL):
            self._internal(url.path.removeprefix(INTERNAL))
        else:
            super().do_GET()

    def send_head(self) -> BinaryIO | BytesIO | None:
        snapshot = self.state.snapshot()
        if snapshot.folder is None:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, placeholder(snapshot).encode())
        self.directory = str(snapshot.folder)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes().decode("utf-8", errors="replace")
            return self._send(HTTPStatus.OK, inject(page, snapshot).encode("utf-8"))
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Refuse folder listings: a published kit's web server would not show them either."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", POLICY)
        # Every reload must show the newest build, never a cached copy of the last one.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal is for build results and problems, not request logs."""

    def _send(self, status: HTTPStatus, body: bytes, kind: str = "text/html") -> BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if ";" not in kind else kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)

    def _internal(self, name: str) -> None:
        if name not in PREVIEW_FILES:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = self._send(HTTPStatus.OK, preview_file(name), PREVIEW_FILES[name])
        self.wfile.write(body.getvalue())

    def _events(self, since: str) -> None:
        """Stream a `reload` event whenever the preview's version moves past the page's."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        now = self.state.snapshot().version
        # The page says which version it shows; without that, assume it is the current one.
        seen = int(since) if since.isdigit() else now
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not self.state.closing:
                if now != seen:
                    self.wfile.write(f"event: reload\ndata: {now}\n\n".encode())
                    seen = now
                changed = self.state.wait(seen, KEEPALIVE_SECONDS)
                if changed is None:
                    # A comment line: keeps proxies from closing an idle stream, and finds
                    # pages that went away.
                    self.wfile.write(b": idle\n\n")
                    now = seen
                else:
                    now = changed
        except ConnectionError:
            return


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server whose handlers share one PreviewState."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: PreviewState) -> None:
        handler = type("BoundPreviewHandler", (PreviewHandler,), {"state": state})
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore browsers that go away mid-answer; keep real bugs' tracebacks."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def bind(host: str, port: int, state: PreviewState) -> PreviewServer:
    """Listen on host:port, or explain in one line why that is not possible."""
    try:
        return PreviewServer((host, port), state)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise KitgenError(
                f"port {port} on {host} is already in use — stop whatever uses it, or pick"
                " another with --port (--port 0 picks a free one)"
            ) from None
        if exc.errno == errno.EACCES:
            raise KitgenError(
                f"not allowed to listen on port {port} — pick one above 1023 with --port"
            ) from None
        raise KitgenError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
