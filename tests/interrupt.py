"""Run `kitgen` and stop or kill it just before its Nth file-system change.

Used by tests as `python tests/interrupt.py <kitgen args>`. An audit hook
(sys.addaudithook) sees every write, rename, link, mkdir and removal the real
build makes, so a test can SIGKILL the build before any one of them without
touching kitgen's code. Environment:

- KILL_AT=N      SIGKILL before the Nth change (0: never)
- STOP_AT=TEXT   SIGSTOP before the first change whose path contains TEXT
- NO_EXCHANGE=1  make renameat2 unavailable, so the two-rename fallback publishes
- Always: prints each change as `<event> <path>` to stderr when the build ends.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import sys
from typing import Any

WATCHED = {
    "os.rename",
    "os.link",
    "os.mkdir",
    "os.remove",
    "os.rmdir",
    "os.truncate",
    "shutil.rmtree",
    "shutil.copyfile",
}
kill_at = int(os.environ.get("KILL_AT", "0"))
stop_at = os.environ.get("STOP_AT", "")
changes: list[str] = []


def _writes(args: tuple[Any, ...]) -> bool:
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR))


def hook(event: str, args: tuple[Any, ...]) -> None:
    if not (event in WATCHED or (event == "open" and _writes(args))):
        return
    path = str(args[0])
    changes.append(f"{event} {path}")
    if len(changes) == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if stop_at and stop_at in path and not any(stop_at in c for c in changes[:-1]):
        os.kill(os.getpid(), signal.SIGSTOP)


def _no_libc(*args: object, **kwargs: object) -> ctypes.CDLL:
    raise OSError("renameat2 is not available here")


if os.environ.get("NO_EXCHANGE"):
    ctypes.CDLL = _no_libc  # type: ignore[misc,assignment]

from kitgen.cli import main  # noqa: E402  (imported after the patch above, on purpose)

atexit.register(lambda: sys.stderr.write("".join(f"{c}\n" for c in changes)))
sys.addaudithook(hook)
main(prog_name="kitgen")
