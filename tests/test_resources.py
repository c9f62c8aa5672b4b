"""Resources: memory stays flat as the number of artworks grows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def noisy_campaign(root: Path, count: int) -> None:
    """A campaign of `count` distinct noise images: each output is a large, incompressible file."""
    folder = root / "campaigns" / "many"
    (folder / "artwork").mkdir(parents=True)
    lines = ['title = "Many"', 'platforms = ["github"]']
    for i in range(count):
        noise = Image.frombytes("RGB", (520, 520), os.urandom(520 * 520 * 3))
        noise.save(folder / "artwork" / f"a{i:03}.png", compress_level=0)
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
    noisy_campaign(tmp_path / "many", 200)
    few, many = peak_rss_mb(tmp_path / "few"), peak_rss_mb(tmp_path / "many")
    zip_mb = (tmp_path / "many" / "output" / "many" / "many.zip").stat().st_size / 1e6
    assert zip_mb > 30  # holding the downloads or the zip in memory would show
    assert many - few < 25, f"{few:.0f} MB for 10 artworks, {many:.0f} MB for 200"
