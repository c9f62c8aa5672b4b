"""Files in the build cache: each written whole or not at all, by any number of processes.

A file is written under a partial name that carries the writer's process id, then
renamed into place; a build killed half-way leaves only such a partial file, which
the next build that makes files removes once its writer is gone.
"""

from __future__ import annotations

import os
from pathlib import Path


def partial_path(path: Path) -> Path:
    """Return the name this process writes path under until it is complete."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to path so that no reader ever sees part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    partial.write_bytes(data)
    os.replace(partial, path)


def remove_abandoned(cache: Path) -> None:
    """Delete the partial files of writers that have ended: builds that were killed.

    One whose writer is still running belongs to another build of this workspace.
    """
    for partial in cache.rglob(".*.tmp"):
        writer = partial.name.rsplit(".", 2)[-2]
        if writer.isdigit() and not _running(int(writer)):
            partial.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
