"""Watch a workspace for edits and hand them out as debounced batches.

The watchdog handler only notes the path and raises a flag; whoever wants the
changes waits for a moment of quiet, so an editor saving several files or a
designer dropping twenty images becomes one batch.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path, PurePosixPath
from types import TracebackType

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# What a workspace's build reads; everything else (output/, .kitgen-cache/, .kitgen-preview/,
# .git/) is ignored, so a rebuild never triggers itself.
WATCHED_DIRS = ("campaigns", "themes")
WATCHED_FILES = ("kitgen.toml",)
# Opening and reading a file is not a change: the build itself does both.
READ_ONLY_EVENTS = frozenset({"opened", "closed_no_write"})
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".gif", ".svg", ".ico"}
)


def ignore_patterns() -> tuple[str, ...]:
    """Return the globs of editor, download and system clutter that never causes a rebuild."""
    text = resources.files("kitgen").joinpath("data/watch-ignore.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line.lower() for line in lines if line and line != "#" and line[:2] != "# ")


def is_relevant(relative: PurePosixPath, ignore: Sequence[str]) -> bool:
    """Tell whether a change at this workspace-relative path can change the kit."""
    parts = relative.parts
    if not parts or (parts[0] not in WATCHED_DIRS and relative.as_posix() not in WATCHED_FILES):
        return False
    return not any(fnmatchcase(part.lower(), glob) for part in parts for glob in ignore)


class _Flag(FileSystemEventHandler):
    """Note relevant changed paths and raise a flag; never do any work on watchdog's thread."""

    def __init__(self, root: Path, ignore: Sequence[str]) -> None:
        self.root = root
        self.ignore = ignore
        self.lock = threading.Lock()
        self.raised = threading.Event()
        self.changed: set[Path] = set()
        self.last = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in READ_ONLY_EVENTS:
            return
        # A folder's own "modified" only echoes a change to a file inside it, judged on its own.
        if event.is_directory and event.event_type == "modified":
            return
        paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
        relevant = [Path(p) for p in paths if p and self._relevant(Path(p))]
        if relevant:
            with self.lock:
                self.changed.update(relevant)
                self.last = time.monotonic()
                self.raised.set()

    def _relevant(self, path: Path) -> bool:
        try:
            relative = PurePosixPath(path.relative_to(self.root).as_posix())
        except ValueError:
            return False
        return is_relevant(relative, self.ignore)


class Watcher:
    """Watch kitgen.toml, campaigns/ and themes/ of a workspace; hand out quiet batches."""

    def __init__(self, root: Path, *, quiet: float = 0.05, settle: float = 0.3) -> None:
        self.root = root.resolve()
        # `quiet`: how long nothing must change before a batch is handed out. A save is one
        # quick burst (vim's writes, swap files and attribute changes span about 2 ms here), so
        # 50 ms merges it with room to spare; every millisecond more is added to each reload,
        # whose budget is 300 ms. `settle`: the same for batches that touch an image, so a copy
        # that pauses mid-file is not read half-done.
        self.quiet = quiet
        self.settle = settle
        self._flag = _Flag(self.root, ignore_patterns())
        self._observer = Observer()
        self._watched: set[Path] = set()

    def __enter__(self) -> Watcher:
        # The root itself non-recursively: it holds kitgen.toml, and output/ and .venv/ beside
        # it are far too busy (and too big) to watch.
        self._observer.schedule(self._flag, str(self.root), recursive=False)
        self._watch_folders()
        self._observer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._observer.stop()
        self._observer.join()

    def _watch_folders(self) -> None:
        """Start watching campaigns/ and themes/, also when they appear after start."""
        for name in WATCHED_DIRS:
            folder = self.root / name
            if folder not in self._watched and folder.is_dir():
                self._observer.schedule(self._flag, str(folder), recursive=True)
                self._watched.add(folder)

    def pending(self) -> bool:
        """Tell whether a change has arrived that no batch has handed out yet."""
        return self._flag.raised.is_set()

    def next_batch(self, timeout: float | None = None) -> frozenset[Path] | None:
        """Wait for changes, then for quiet; return the changed paths (None after `timeout`)."""
        flag = self._flag
        if not flag.raised.wait(timeout):
            return None
        while True:
            with flag.lock:
                images = any(p.suffix.lower() in IMAGE_SUFFIXES for p in flag.changed)
                left = flag.last + (self.settle if images else self.quiet) - time.monotonic()
                if left <= 0:
                    batch = frozenset(flag.changed)
                    flag.changed.clear()
                    flag.raised.clear()
                    break
            time.sleep(left)
        self._watch_folders()
        return batch
