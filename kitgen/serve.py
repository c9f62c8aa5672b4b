"""Live preview: build into a private folder, serve it on loopback, rebuild and reload on edits.

This module never imports the build: it is handed a builder (a function that builds the whole
workspace into a new folder), so tests can drive it with a fake one. Each build goes into a
fresh numbered folder beside the previous one and the server switches to it in one step, so a
page is never served half-built and a failed build leaves the last good preview in place.
The reload script and the error panel are added to HTML as it is served: built files never
contain them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from io import BytesIO
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

import click

from kitgen.errors import KitgenError
from kitgen.watch import Watcher

# Build the whole workspace into this folder (which does not exist yet); return how many images
# were made afresh rather than taken from the cache. Raise KitgenError for problems in the files.
Builder = Callable[[Path], int]

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
        '\n<aside class="kitgen-preview-error" role="alert"'
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


# --- what the terminal gets ----------------------------------------------


def fingerprint(folder: Path) -> dict[str, str]:
    """Return every file's checksum by path: from the kit's SHA256SUMS, else by hashing."""
    sums = folder / "SHA256SUMS"
    if sums.is_file():
        pairs = (line.split("  ", 1) for line in sums.read_text("utf-8").splitlines() if line)
        return {path: digest for digest, path in pairs}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def describe(before: Mapping[str, str], after: Mapping[str, str], made: int) -> str:
    """Name the campaigns whose outputs changed, with images made and pages changed; or ''."""
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    if not changed and not made:
        return ""
    campaigns = sorted({p.split("/")[0] for p in changed if "/" in p and p[:7] != "assets/"})
    pages = sum(p.endswith(".html") for p in changed)
    return (
        f"{', '.join(campaigns) or 'the kit'}:"
        f" {made} image{'s' * (made != 1)}, {pages} page{'s' * (pages != 1)}"
    )


# --- the preview: server, watcher and build loop -------------------------


class Preview:
    """Serve a live preview of a workspace; `run` rebuilds on every batch of edits."""

    def __init__(
        self,
        root: Path,
        builder: Builder,
        folder: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        quiet: float = 0.1,
        settle: float = 0.3,
    ) -> None:
        self.root = root.resolve()
        self.builder = builder
        # One folder per server process, so two previews of one workspace never collide.
        self.folder = folder / str(os.getpid())
        self.state = PreviewState()
        self.watcher = Watcher(self.root, quiet=quiet, settle=settle)
        self.server = _bind(host, port, self.state)
        self._generation = 0
        self._sums: dict[str, str] = {}
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="kitgen-preview", daemon=True
        )

    @property
    def url(self) -> str:
        """Return the address the preview is served at."""
        address, port = self.server.server_address[:2]
        host = address if isinstance(address, str) else bytes(address).decode()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def __enter__(self) -> Preview:
        _remove_dead_previews(self.folder.parent)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._thread.start()
        self.watcher.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.state.close()
        self.server.shutdown()
        self.server.server_close()
        self.watcher.__exit__(None, None, None)
        self._thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, stop: threading.Event | None = None) -> None:
        """Build once, then rebuild after every quiet batch of edits until `stop` is set."""
        stop = stop or threading.Event()
        self.rebuild(frozenset())
        while not stop.is_set():
            batch = self.watcher.next_batch(timeout=0.2)
            if batch is not None:
                self.rebuild(batch)

    def rebuild(self, changed: frozenset[Path]) -> None:
        """Build into a new folder and switch to it; on a problem, show it and keep serving."""
        self._generation += 1
        target = self.folder / str(self._generation)
        started = time.perf_counter()
        try:
            made = self.builder(target)
        except KitgenError as exc:
            self._failed(f"Error: {exc.format_message()}")
            return
        except Exception as exc:  # a bug in kitgen must not take the preview down with it
            traceback.print_exc()
            self._failed(f"Error: kitgen failed unexpectedly ({exc!r})")
            return
        seconds = time.perf_counter() - started
        sums = fingerprint(target)
        what = describe(self._sums, sums, made)
        self._sums = sums
        # Switch first, then tell: once the line is printed, the preview shows the new build.
        self.state.show(target)
        verb = "rebuilt" if changed else "built"
        if what:
            click.echo(f"{verb} {what} in {seconds:.2f} s")
        else:
            click.echo(f"{verb} in {seconds:.2f} s: no output changed")
        # Keep the previous build a little longer for requests that are still reading it.
        shutil.rmtree(self.folder / str(self._generation - 2), ignore_errors=True)

    def _failed(self, message: str) -> None:
        if self.watcher.pending():
            # Files changed while the build read them (a copy still running): the next build,
            # moments away, decides; no need to flash a problem that may already be gone.
            return
        self.state.fail(message)
        click.secho(message, err=True, fg="red")


def _bind(host: str, port: int, state: PreviewState) -> PreviewServer:
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


def _remove_dead_previews(folder: Path) -> None:
    """Remove preview folders left behind by servers that were killed."""
    if not folder.is_dir():
        return
    for leftover in folder.iterdir():
        if leftover.name.isdigit() and not _alive(int(leftover.name)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _stop_on_terminate() -> Iterator[None]:
    """Treat SIGTERM like Ctrl+C, so a supervisor's stop also cleans up."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    root: Path,
    builder: Builder,
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
) -> None:
    """Serve a live preview of the workspace until Ctrl+C."""
    with _stop_on_terminate():
        preview = Preview(root, builder, folder, host=host, port=port)
        try:
            with preview:
                click.echo(
                    f"serving {preview.url} — a live preview of {preview.root}"
                    " (output/ is not touched); Ctrl+C stops"
                )
                if not _loopback(host):
                    click.secho(
                        f"warning: listening on {host}: other computers can see this preview",
                        err=True,
                        fg="yellow",
                    )
                if open_browser:
                    threading.Thread(
                        target=webbrowser.open, args=(preview.url,), daemon=True
                    ).start()
                preview.run()
        except KeyboardInterrupt:
            pass
    click.echo("stopped")


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")
