"""Shared fixtures: tiny generated workspaces, and one built sample kit for read-only tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from kitgen.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
# Tests pin "today" so campaign grouping never depends on the day the suite runs.
TODAY = dt.date(2026, 11, 30)


def write_image(
    path: Path, size: tuple[int, int] = (1200, 800), mode: str = "RGB", **save: object
) -> Path:
    """Write a small real image with a gradient and a marker, so crops are visible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.linear_gradient("L").resize(size).convert(mode if mode != "RGBA" else "RGB")
    if mode == "RGBA":
        img = img.convert("RGBA")
        img.putalpha(Image.new("L", size, 255))
    img.save(path, **save)
    return path


class Workspace:
    """A workspace under tmp_path that tests fill with campaigns and build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "output"

    def campaign(
        self, slug: str, toml: str, images: dict[str, tuple[int, int]] | None = None
    ) -> Path:
        folder = self.root / "campaigns" / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "campaign.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        for name, size in (images or {}).items():
            write_image(folder / name, size)
        return folder

    def build(self, *names: str, **options: object) -> BuildResult:
        options.setdefault("today", TODAY)
        options.setdefault("jobs", 1)
        return build(self.root, names, **options)  # type: ignore[arg-type]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


SIMPLE = """
    title = "Simple"
    summary = "A *simple* campaign."
    starts = 2026-11-01
    ends = 2026-12-31
    platforms = ["linkedin", "zoom"]

    [[artwork]]
    file = "artwork/hero.jpg"
    slots = ["cover", "background"]
    alt = "A gradient"

    [[artwork]]
    file = "artwork/badge.png"
    slots = ["profile"]
    alt = "A badge"
"""


@pytest.fixture
def simple(workspace: Workspace) -> Workspace:
    """A one-campaign workspace with a JPEG hero and a PNG badge."""
    workspace.campaign(
        "simple", SIMPLE, {"artwork/hero.jpg": (2000, 1200), "artwork/badge.png": (900, 900)}
    )
    return workspace


@pytest.fixture(scope="session")
def sample_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the repository's sample campaigns once; tests must only read the result."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "campaigns", root / "campaigns")
    out = root / "output"
    build(root, out=out, today=TODAY, jobs=os.cpu_count() or 1)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def built_simple(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `simple` workspace built once, cache included; tests copy it instead of rebuilding."""
    ws = Workspace(tmp_path_factory.mktemp("built") / "ws")
    ws.campaign(
        "simple", SIMPLE, {"artwork/hero.jpg": (2000, 1200), "artwork/badge.png": (900, 900)}
    )
    ws.build()
    return ws.root


@pytest.fixture
def kit(built_simple: Path, tmp_path: Path) -> Workspace:
    """A copy of the built `simple` workspace: a previous kit in output/ and a warm cache."""
    shutil.copytree(built_simple, tmp_path / "ws", symlinks=True)
    return Workspace(tmp_path / "ws")
