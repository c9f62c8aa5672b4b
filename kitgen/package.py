"""Write the kit's files: one guarded writer, zips, the manifest and the checksums.

Everything here is reproducible: fixed zip timestamps, sorted entries, sorted
JSON keys, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from kitgen.errors import KitgenError
from kitgen.plan import CampaignPlan

# 1980-01-01 is the earliest time a zip entry can carry.
ZIP_EPOCH = 315532800


class OutputTree:
    """The only way files enter a build folder: contained, created once, each path once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, int] = {}

    def _target(self, relative: str) -> Path:
        check_relative(relative)
        if relative in self.written:
            raise KitgenError(f"two outputs want the same path {relative!r}")
        target = self.root.joinpath(*PurePosixPath(relative).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, relative: str, data: bytes) -> None:
        """Write bytes to a path relative to the root."""
        self._target(relative).write_bytes(data)
        self.written[relative] = len(data)

    def copy(self, relative: str, source: Path) -> None:
        """Copy a file in (hard-linked when possible: cached images are immutable)."""
        target = self._target(relative)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.written[relative] = target.stat().st_size

    def write_zip(self, relative: str, entries: Iterable[tuple[str, Path]]) -> None:
        """Write a zip of (entry name, file) pairs, streamed: memory stays flat however big."""
        target = self._target(relative)
        with target.open("wb") as handle:
            write_zip(handle, entries)
        self.written[relative] = target.stat().st_size


# A safe output path or zip entry: lowercase ASCII segments, no dot-segments, no backslashes.
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def check_relative(relative: str) -> None:
    """Refuse a path that could leave the output root or surprise a web server or unzip tool."""
    parts = relative.split("/")
    if not relative or not all(_SAFE_SEGMENT.match(p) and p not in (".", "..") for p in parts):
        raise KitgenError(
            f"{relative}: not a safe output name (only letters, digits, '.', '-' and '_')"
            " — rename the file it comes from"
        )


def source_date_epoch() -> int:
    """Return SOURCE_DATE_EPOCH when set (reproducible builds), else the zip epoch."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return max(int(value), ZIP_EPOCH) if value.isdigit() else ZIP_EPOCH


def write_zip(handle: BinaryIO, entries: Iterable[tuple[str, Path]]) -> None:
    """Write a zip of (name, file) pairs with sorted entries and fixed timestamps."""
    stamp = time.gmtime(source_date_epoch())[:6]
    with zipfile.ZipFile(handle, "w") as archive:
        for name, path in sorted(entries):
            check_relative(name)  # no absolute, `..` or backslash entry can reach an unzip tool
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            # Images are already compressed: storing them is faster and barely larger.
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = path.stat().st_size
            with path.open("rb") as source, archive.open(info, "w") as entry:
                shutil.copyfileobj(source, entry, 1 << 20)


def manifest(generator: str, plans: Sequence[CampaignPlan], tree_root: Path) -> dict[str, Any]:
    """Describe the whole kit as the spec's manifest.json schema."""
    return {
        "generator": generator,
        "campaigns": [
            {
                "slug": p.campaign.slug,
                "title": p.campaign.title,
                "starts": p.campaign.starts.isoformat() if p.campaign.starts else None,
                "ends": p.campaign.ends.isoformat() if p.campaign.ends else None,
                "page": f"{p.campaign.slug}/index.html",
                "zip": p.zip_path,
                # Extra key (the schema only grows): a zip per platform with several downloads.
                "platform_zips": p.platform_zips,
                "assets": [
                    {
                        "path": a.path,
                        "platform": a.platform,
                        "slot": a.slot,
                        "width": a.width,
                        "height": a.height,
                        "bytes": (tree_root / a.path).stat().st_size,
                        "sha256": sha256_file(tree_root / a.path),
                        "media_type": a.media_type,
                        "source": a.artwork.file,
                    }
                    for a in p.assets
                ],
            }
            for p in plans
        ],
    }


def to_json(data: Any) -> bytes:
    """Serialise deterministically: sorted keys, two-space indent, final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksums(root: Path, paths: Iterable[str]) -> bytes:
    """Return a `sha256sum -c` compatible list of the given files, sorted by path."""
    lines = (f"{sha256_file(root / p)}  {p}\n" for p in sorted(paths))
    return "".join(lines).encode("utf-8")
