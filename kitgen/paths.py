"""Safe names and contained paths: what may appear in an output path or a zip entry."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kitgen.errors import ContentError

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Return a lowercase ASCII slug (`Été 2026!` -> `ete-2026`); may be empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_name.lower()).strip("-")


def is_inside(path: Path, folder: Path) -> bool:
    """Tell whether `path` (symlinks resolved) lies inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def display_path(path: Path, root: Path) -> str:
    """Name a file the way a person sees it in the workspace: relative to root, slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def href(path: str, page_dir: str) -> str:
    """Return a link to path (relative to the output root) from a page in page_dir.

    posixpath.relpath gives the same for these clean relative paths, but resolves
    both against the working directory first: about a sixth of a no-op build's time.
    """
    target, here = path.split("/"), [part for part in page_dir.split("/") if part]
    common = 0
    while common < min(len(target) - 1, len(here)) and target[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + target[common:])


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 text file; invalid bytes are a content error with the byte offset."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [
                f"{display_path(path, root)}: not valid UTF-8 at byte {exc.start}"
                " — save the file as UTF-8"
            ]
        ) from None
