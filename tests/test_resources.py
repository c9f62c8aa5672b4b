"""Resources: memory stays flat as the number of artworks grows."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image


def noisy_campaign(root: Path, count: int) -> None:
    """A campaign of `count` noise images: each output is a large, incompressible file."""
    folder = root / "campaigns" / "many"
    (folder / "artwork").mkdir(parents=True)
    buf = io.BytesIO()
    Image.frombytes("RGB", (500, 500), os.urandom(500 * 500 * 3)).save(buf, "PNG", compress_level=0)
    png = buf.getvalue()
    lines = ['title = "Many"', 'platforms = ["github"]']
    for i in range(count):
        # Same pixels, distinct bytes (a text chunk before IEND): each is its own source.
        text = b"tEXt" + f"n\0{i}".encode()
        chunk = struct.pack(">I", len(text) - 4) + text + struct.pack(">I", zlib.crc32(text))
        (folder / "artwork" / f"a{i:03}.png").write_bytes(png[:-12] + chunk + png[-12:])
        lines += [
            "[[artwork]]",
            f'file = "artwork/a{i:03}.png"',
            'slots = ["profile"]',
            'alt = "A"',
        ]
    (folder / "campaign.toml").write_text("\n".join(lines) + "\n")


def peak_rss_mb(root: Path) -> float:
    """Build in a child process with one job and return its peak resident memory."""
    child = subprocess.Popen(
        [sys.executable, "-m", "kitgen", "build", "--root", str(root), "--jobs", "1"],
        env={**os.environ, "CI": "true"},
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def test_memory_stays_flat_with_hundreds_of_artworks(tmp_path: Path) -> None:
    noisy_campaign(tmp_path / "few", 10)
    noisy_campaign(tmp_path / "many", 150)
    few, many = peak_rss_mb(tmp_path / "few"), peak_rss_mb(tmp_path / "many")
    zip_mb = (tmp_path / "many" / "output" / "many" / "many.zip").stat().st_size / 1e6
    assert zip_mb > 25  # holding the downloads or the zip in memory would show
    assert many - few < 25, f"{few:.0f} MB for 10 artworks, {many:.0f} MB for 150"
