"""Live preview: build into a private folder, serve it on loopback, rebuild and reload on edits.

This module never imports the build: it is handed a builder (a function that builds the whole
workspace into a new folder), so tests can drive it with a fake one. Each build goes into a
fresh numbered folder beside the previous one and the server switches to it in one step, so a
page is never served half-built and a failed build leaves the last good preview in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shutil
import signal
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import FrameType

import click

from kitgen.errors import KitgenError
from kitgen.server import PreviewState, bind
from kitgen.watch import Watcher

# Build the whole workspace into this folder (which does not exist yet); return how many images
# were made afresh rather than taken from the cache. Raise KitgenError for problems in the files.
Builder = Callable[[Path], int]
# Where previews are built, one folder per server process: in the workspace, so cached images
# can be hard-linked rather than copied, but beside .kitgen-cache/ (a build refuses to write
# inside it) and never under output/.
PREVIEW_DIR = ".kitgen-preview"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


# --- the build loop -----------------------------------------------------


class LivePreview:
    """Serve a live preview of a workspace; `run` rebuilds on every batch of edits."""

    def __init__(
        self,
        root: Path,
        builder: Builder,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        quiet: float = 0.05,
        settle: float = 0.3,
    ) -> None:
        self.root = root.resolve()
        self.builder = builder
        # One folder per server process, so two previews of one workspace never collide.
        self.folder = self.root / PREVIEW_DIR / str(os.getpid())
        self.state = PreviewState()
        self.watcher = Watcher(self.root, quiet=quiet, settle=settle)
        self.server = bind(host, port, self.state)
        self._generation = 0
        self._sums: dict[str, str] = {}
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="kitgen-preview", daemon=True
        )
        # Builds run on their own thread, which blocks Ctrl+C and SIGTERM, as do the image
        # workers it starts (forked processes inherit the mask). So a stop lands only in the
        # main thread while it waits, never halfway through the build's process pool, which a
        # stray KeyboardInterrupt leaves deadlocked or with orphaned workers.
        self._builds = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix="kitgen-build",
            initializer=signal.pthread_sigmask,
            initargs=(signal.SIG_BLOCK, STOP_SIGNALS),
        )
        self._running: Future[int] | None = None

    @property
    def url(self) -> str:
        """Return the address the preview is served at."""
        address, port = self.server.server_address[:2]
        host = address if isinstance(address, str) else bytes(address).decode()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def __enter__(self) -> LivePreview:
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
        if self._running and not self._running.done():
            # A build stopped by Ctrl+C loses its image workers and fails fast; one making
            # images on its own thread finishes first. The workers block SIGTERM, hence kill;
            # the cache only ever holds whole files (each written, then renamed).
            for worker in multiprocessing.active_children():
                worker.kill()
        self._builds.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, stop: threading.Event | None = None) -> None:
        """Build once, then rebuild after every quiet batch of edits until `stop` is set."""
        stop = stop or threading.Event()
        self.rebuild(frozenset())
        while not stop.is_set():
            batch = self.watcher.next_batch(timeout=0.2)
            if batch is not None:
                self.rebuild(batch)
            else:
                self._tidy()

    def rebuild(self, changed: frozenset[Path]) -> None:
        """Build into a new folder and switch to it; on a problem, show it and keep serving."""
        self._generation += 1
        target = self.folder / str(self._generation)
        started = time.perf_counter()
        try:
            made = self._build(target)
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

    def _tidy(self) -> None:
        """Remove builds older than the one before the current (and failed builds' leftovers).

        Done while idle, not right after a switch, where it would slow the reloads it follows;
        the previous build stays for requests that may still be reading it.
        """
        shown = self.state.snapshot().folder
        keep = {str(self._generation), shown.name if shown else "", str(self._generation - 1)}
        for entry in self.folder.iterdir():
            if entry.name not in keep:
                _remove(entry)

    def _build(self, target: Path) -> int:
        self._running = self._builds.submit(self.builder, target)
        return self._running.result()

    def _failed(self, message: str) -> None:
        if self.watcher.pending():
            # Files changed while the build read them (a copy still running): the next build,
            # moments away, decides; no need to flash a problem that may already be gone.
            return
        self.state.fail(message)
        click.secho(message, err=True, fg="red")


def _remove_dead_previews(folder: Path) -> None:
    """Remove preview folders left behind by servers that were killed."""
    if not folder.is_dir():
        return
    for leftover in folder.iterdir():
        if leftover.name.isdigit() and not _alive(int(leftover.name)):
            shutil.rmtree(leftover, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _orderly_stop() -> Iterator[None]:
    """Stop at the first Ctrl+C (or SIGTERM from a supervisor); ignore more while cleaning up.

    A second Ctrl+C that lands while the image workers are being shut down breaks the pool
    and leaves the process hanging at exit; the first one already asked for everything needed.
    """
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        if not stopping:
            for number, handler in previous.items():
                signal.signal(number, handler)


def serve(
    root: Path,
    builder: Builder,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
) -> None:
    """Serve a live preview of the workspace until Ctrl+C."""
    with _orderly_stop():
        preview = LivePreview(root, builder, host=host, port=port)
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
