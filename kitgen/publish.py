"""Put a finished kit in place of the old one all at once, one build at a time.

A build writes into a staging folder beside the output and swaps it in with
one rename. Whatever moment a build is killed at, the output folder holds
either the whole old kit or the whole new one; what the killed build left
beside it is cleaned up (or, in the two-rename fallback, put back) by the next
build, under the same lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from kitgen.errors import KitgenError

# Folders that only a build creates, beside the output: `.<out>.<kind>-<pid>`.
STAGING = "tmp"
RETIRED = "old"
KIT_MARKER = "manifest.json"


def lock_path(out: Path) -> Path:
    """Return the lock file that serialises builds into `out`."""
    return out.with_name(f".{out.name}.lock")


def staging_path(out: Path) -> Path:
    """Return the folder this process builds the next kit in."""
    return _beside(out, STAGING, os.getpid())


def _beside(out: Path, kind: str, pid: int) -> Path:
    return out.with_name(f".{out.name}.{kind}-{pid}")


def _leftovers(out: Path, kind: str) -> list[Path]:
    """Return folders of this kind left beside `out`, by name pattern (pid digits only)."""
    prefix = f".{out.name}.{kind}-"
    if not out.parent.is_dir():
        return []
    return sorted(
        p
        for p in out.parent.iterdir()
        if p.name.startswith(prefix) and p.name[len(prefix) :].isdigit()
    )


def check_target(root: Path, out: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a kit."""
    if root.is_relative_to(out):
        raise KitgenError(
            f"{out}: the output folder must not contain the workspace — choose another"
        )
    for inner in ("campaigns", "themes", ".kitgen-cache"):
        if out.is_relative_to(root / inner):
            raise KitgenError(
                f"{out}: the output folder must not be inside {inner}/ — choose another"
            )
    if out.exists() and not out.is_dir():
        raise KitgenError(f"{out}: exists and is not a folder — choose another output folder")
    # The build replaces the whole folder: never do that to a folder kitgen did not make.
    if out.is_dir() and any(out.iterdir()) and not (out / KIT_MARKER).is_file():
        raise KitgenError(
            f"{out}: exists and is not a kit (no {KIT_MARKER}); a build replaces the whole folder"
            " — choose a new or empty folder"
        )


@contextlib.contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold the build lock for `out`; if another build holds it, fail naming its pid."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            # flock is released by the kernel when its holder dies, even by SIGKILL:
            # a stale lock file from a killed build is simply free again.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise KitgenError(
                f"{out}: another build is running (pid {holder}) — wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def tidy(out: Path) -> None:
    """Undo what killed builds left beside `out`; call it only while holding the lock."""
    retired = _leftovers(out, RETIRED)
    if retired and not out.exists():
        # Killed between the fallback's two renames: the old kit is complete, put it back.
        os.rename(retired[-1], out)
    for leftover in [*_leftovers(out, STAGING), *_leftovers(out, RETIRED)]:
        shutil.rmtree(leftover, ignore_errors=True)


def publish(staging: Path, out: Path) -> None:
    """Put the staging folder in place of `out` in one step, then remove the old output."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the old kit
        return
    # No atomic exchange (not Linux, or a file system without it): two renames. If the
    # build dies between them, `tidy` in the next build puts the old kit back.
    retired = _beside(out, RETIRED, os.getpid())
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or file system cannot exchange: use the fallback
    raise OSError(code, os.strerror(code), str(b))
