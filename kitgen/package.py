"""Write the kit's files: one guarded writer, zips, the manifest and the checksums.

Everything here is reproducible: fixed zip timestamps, sorted entries, sorted
JSON keys, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

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
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise KitgenError(f"refusing to write {relative!r}: outside the output folder")
        if relative in self.written:
            raise KitgenError(f"two outputs want the same path {relative!r}")
        target = self.root.joinpath(*pure.parts)
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


def source_date_epoch() -> int:
    """Return SOURCE_DATE_EPOCH when set (reproducible builds), else the zip epoch."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return max(int(value), ZIP_EPOCH) if value.isdigit() else ZIP_EPOCH


def make_zip(entries: Iterable[tuple[str, Path]]) -> bytes:
    """Return a zip of (name, file) pairs with sorted entries and fixed timestamps."""
    stamp = time.gmtime(source_date_epoch())[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            # Images are already compressed: storing them is faster and barely larger.
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, path.read_bytes())
    return buf.getvalue()


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
                # Extra key (the schema only grows): one zip per platform's downloads.
                "platform_zips": {
                    platform: p.platform_zip_path(platform)
                    for platform in dict.fromkeys(a.platform for a in p.assets)
                },
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
