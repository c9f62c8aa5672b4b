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

from kitgen import cachefiles
from kitgen.errors import KitgenError
from kitgen.plan import CampaignPlan

# 1980-01-01 is the earliest time a zip entry can carry.
ZIP_EPOCH = 315532800
# Bump when write_zip's output changes for the same entries: it is part of every cached zip's key.
ZIP_LAYOUT = 1


class OutputTree:
    """The only way files enter a build folder: contained, created once, each path once.

    It remembers every file's size and SHA-256 as it writes, so the manifest and
    SHA256SUMS never read the kit back. Zips are kept in the cache by the digest
    of their entries and linked in, like images.
    """

    def __init__(self, root: Path, cache: Path) -> None:
        self.root = root
        self.cache = cache
        self.written: dict[str, int] = {}
        self.digests: dict[str, str] = {}

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
        self.digests[relative] = hashlib.sha256(data).hexdigest()

    def copy(self, relative: str, source: Path) -> None:
        """Copy an immutable cache file in (hard-linked when possible)."""
        target = self._target(relative)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.written[relative] = target.stat().st_size
        self.digests[relative] = cached_digest(source)

    def write_zip(self, relative: str, entries: Sequence[tuple[str, str]]) -> None:
        """Write a zip of (entry name, path already in this tree) pairs."""
        stamp = source_date_epoch()
        recipe = json.dumps(
            [ZIP_LAYOUT, stamp, sorted((name, self.digests[path]) for name, path in entries)]
        )
        key = hashlib.sha256(recipe.encode()).hexdigest()
        cached = self.cache / "zips" / key[:2] / f"{key}.zip"
        if not cached.is_file():
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cachefiles.partial_path(cached)
            with partial.open("wb") as handle:
                write_zip(handle, [(name, self.root / path) for name, path in entries])
            os.replace(partial, cached)
        self.copy(relative, cached)


def cached_digest(path: Path) -> str:
    """Return a cache file's SHA-256, kept beside it: cache files never change once written."""
    sidecar = path.with_name(path.name + ".sha256")
    try:
        return sidecar.read_text("ascii")
    except FileNotFoundError:
        pass
    digest = sha256_file(path)
    cachefiles.write_atomically(sidecar, digest.encode("ascii"))
    return digest


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


def manifest(generator: str, plans: Sequence[CampaignPlan], tree: OutputTree) -> dict[str, Any]:
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
                        "bytes": tree.written[a.path],
                        "sha256": tree.digests[a.path],
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


def checksums(tree: OutputTree) -> bytes:
    """Return a `sha256sum -c` compatible list of every file written so far, sorted by path."""
    lines = (f"{digest}  {path}\n" for path, digest in sorted(tree.digests.items()))
    return "".join(lines).encode("utf-8")
