"""A huge JPEG is decoded only as large as its biggest output needs (JPEG draft mode)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from PIL import Image

from kitgen import imaging


def test_a_12000_by_8000_jpeg_is_never_decoded_at_full_size(tmp_path: Path) -> None:
    size = (12000, 8000)
    img = Image.new("RGB", size, (30, 90, 160))
    img.paste((240, 200, 40), (0, 0, 6000, 4000))
    source = tmp_path / "poster.jpg"
    img.save(source, quality=60)
    del img
    box = imaging.cover_box(*size, 400, 400, (0.25, 0.25))
    code = textwrap.dedent(
        f"""
        from kitgen import imaging
        spec = imaging.RenderSpec(400, 400, {box!r}, "cover", "#ffffff", False, "JPEG",
                                  2_000_000, {str(tmp_path / "out.jpg")!r})
        imaging.render_source({str(source)!r}, [spec])
        # VmHWM: this process's own peak resident memory (not the forked test runner's).
        status = open("/proc/self/status").read()
        print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    peak_mib = int(done.stdout.split()[-1]) / 1024
    # Fully decoded, the pixels alone would take 275 MiB; drafted at 1/8 they take 4 MiB.
    assert peak_mib < 120, f"peak {peak_mib:.0f} MiB"
    with Image.open(tmp_path / "out.jpg") as out:
        assert out.size == (400, 400)
        r, g, b = out.getpixel((100, 100))  # type: ignore[misc]
        assert r > 200 and b < 90  # the yellow quarter, top left
