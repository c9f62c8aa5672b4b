from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO, SIMPLE, Workspace


def test_installed_package_finds_the_default_theme_anywhere(
    tmp_path: Path, workspace: Workspace
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("kitgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kitgen/themes/default/templates/base.html" in names
    assert "kitgen/data/platforms.json" in names

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    workspace.campaign(
        "simple", SIMPLE, {"artwork/hero.jpg": (600, 400), "artwork/badge.png": (300, 300)}
    )
    # Only the installed copy is importable: no repository on the path, run from the workspace.
    env = {**os.environ, "CI": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(site)!r}); "
            "import kitgen, kitgen.cli; "
            "assert kitgen.__file__.startswith(sys.path[0]), kitgen.__file__; "
            "kitgen.cli.main(['build'])",
        ],
        cwd=workspace.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (workspace.root / "output" / "simple" / "index.html").is_file()
    assert list((workspace.root / "output" / "assets").glob("style.*.css"))
