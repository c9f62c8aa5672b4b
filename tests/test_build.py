from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from kitgen.errors import ContentError

from .conftest import Workspace, write_image


def test_every_manifest_entry_matches_the_file_on_disk(simple: Workspace) -> None:
    result = simple.build()
    manifest = json.loads((simple.out / "manifest.json").read_text())
    assert manifest["generator"] == "kitgen 0.1.0"
    (campaign,) = manifest["campaigns"]
    assert campaign["slug"] == "simple"
    assert (campaign["starts"], campaign["ends"]) == ("2026-11-01", "2026-12-31")
    assert campaign["page"] == "simple/index.html" and (simple.out / campaign["page"]).is_file()
    assert campaign["zip"] == "simple/simple.zip"
    kinds = {(a["platform"], a["slot"]) for a in campaign["assets"]}
    assert kinds == {
        ("linkedin", "profile"),
        ("linkedin", "cover"),
        ("zoom", "profile"),
        ("zoom", "background"),
    }
    assert result.images == len(campaign["assets"]) == 4
    for asset in campaign["assets"]:
        path = simple.out / asset["path"]
        data = path.read_bytes()
        assert len(data) == asset["bytes"]
        assert hashlib.sha256(data).hexdigest() == asset["sha256"]
        with Image.open(path) as img:
            assert img.size == (asset["width"], asset["height"])
            assert Image.MIME[img.format] == asset["media_type"]
    cover = next(a for a in campaign["assets"] if a["slot"] == "cover")
    assert cover == {
        **cover,
        "path": "simple/linkedin/hero-cover-1584x396.jpg",
        "width": 1584,
        "height": 396,
        "media_type": "image/jpeg",
        "source": "artwork/hero.jpg",
    }


def test_checksums_verify_with_sha256sum(simple: Workspace) -> None:
    simple.build()
    listed = (simple.out / "SHA256SUMS").read_text().splitlines()
    files = {p.relative_to(simple.out).as_posix() for p in simple.out.rglob("*") if p.is_file()}
    assert {line.split("  ", 1)[1] for line in listed} == files - {"SHA256SUMS"}
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=simple.out, check=True)


def test_zip_holds_every_download_of_the_campaign(simple: Workspace) -> None:
    simple.build()
    manifest = json.loads((simple.out / "manifest.json").read_text())
    assets = manifest["campaigns"][0]["assets"]
    with zipfile.ZipFile(simple.out / "simple" / "simple.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert sorted(names) == sorted(a["path"].removeprefix("simple/") for a in assets)
        for a in assets:
            data = archive.read(a["path"].removeprefix("simple/"))
            assert hashlib.sha256(data).hexdigest() == a["sha256"]


def test_same_inputs_give_identical_bytes(simple: Workspace, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    simple.build(out=first)
    (simple.root / ".kitgen-cache").rename(tmp_path / "old-cache")  # make every image afresh
    simple.build(out=second, jobs=2)
    assert (first / "SHA256SUMS").read_bytes() == (second / "SHA256SUMS").read_bytes()


def test_rebuild_with_nothing_changed_makes_no_image(simple: Workspace) -> None:
    assert simple.build().processed == 4
    again = simple.build()
    assert again.processed == 0 and again.images == 4


def test_changing_focus_remakes_only_that_artworks_outputs(simple: Workspace) -> None:
    simple.build()
    toml = simple.root / "campaigns" / "simple" / "campaign.toml"
    toml.write_text(
        toml.read_text().replace('alt = "A gradient"', 'alt = "A gradient"\nfocus = [0.5, 0.1]')
    )
    assert simple.build().processed == 2  # the hero's cover and background, not the badge


def test_failed_build_leaves_the_previous_output_untouched(simple: Workspace) -> None:
    simple.build()
    before = {p: p.read_bytes() for p in simple.out.rglob("*") if p.is_file()}
    (simple.root / "campaigns" / "simple" / "artwork" / "hero.jpg").write_bytes(b"\x00\xffjunk" * 9)
    with pytest.raises(
        ContentError, match="campaigns/simple/artwork/hero.jpg: not a readable image"
    ):
        simple.build()
    after = {p: p.read_bytes() for p in simple.out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in simple.out.parent.iterdir() if p.name.startswith(".output")]
    assert leftovers == [".output.lock"]


def test_the_build_output_is_swapped_in_whole(simple: Workspace) -> None:
    simple.build()
    stale = simple.out / "stale.txt"
    stale.write_text("from an older build")
    simple.build()
    assert not stale.exists()


def test_an_empty_workspace_builds_an_empty_kit(workspace: Workspace) -> None:
    workspace.root.mkdir(parents=True)
    result = workspace.build()
    assert result.campaigns == 0
    assert (workspace.out / "index.html").is_file()
    assert json.loads((workspace.out / "manifest.json").read_text())["campaigns"] == []


def test_transparent_profile_source_stays_png_where_accepted(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "c",
        """
        title = "C"
        platforms = ["linkedin"]
        [[artwork]]
        file = "artwork/badge.png"
        slots = ["profile", "frame"]
        alt = "Badge"
        """,
    )
    badge = Image.new("RGBA", (900, 900), (0, 0, 0, 0))
    badge.paste((30, 90, 200, 255), (200, 200, 700, 700))
    (folder / "artwork").mkdir()
    badge.save(folder / "artwork" / "badge.png")
    workspace.build()
    for name in ("badge-profile-800x800.png", "badge-frame-800x800.png"):
        with Image.open(workspace.out / "c" / "linkedin" / name) as img:
            assert img.mode == "RGBA" and img.getpixel((5, 5))[3] == 0


def test_upscaling_is_a_warning_naming_artwork_slot_and_factor(workspace: Workspace) -> None:
    workspace.campaign(
        "c",
        """
        title = "C"
        platforms = ["linkedin"]
        [[artwork]]
        file = "artwork/small.jpg"
        slots = ["cover"]
        alt = "Small"
        """,
        {"artwork/small.jpg": (400, 100)},
    )
    result = workspace.build()
    assert any(
        "campaigns/c/artwork/small.jpg: enlarged 4.0× for linkedin cover (1584×396)" in w
        for w in result.warnings
    ), result.warnings


def test_png_data_named_jpg_is_read_by_content_with_a_warning(workspace: Workspace) -> None:
    folder = workspace.campaign(
        "c",
        """
        title = "C"
        platforms = ["zoom"]
        [[artwork]]
        file = "artwork/banner.jpg"
        slots = ["background"]
        alt = "Banner"
        """,
    )
    write_image(folder / "artwork" / "banner.jpg", (1920, 1080), format="PNG")
    result = workspace.build()
    assert any("banner.jpg: the file is PNG data despite its name" in w for w in result.warnings)
    with Image.open(workspace.out / "c" / "zoom" / "banner-background-1920x1080.jpg") as img:
        assert img.format == "JPEG"


def test_rebuild_with_nothing_changed_decodes_no_image(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace.campaign(
        "c",
        """
        title = "C"
        platforms = ["linkedin", "zoom"]
        [[artwork]]
        file = "artwork/hero.jpg"
        slots = ["cover", "background"]
        alt = "Hero"
        [[artwork]]
        file = "artwork/frame.png"
        slots = ["frame"]
        alt = "Frame"
        """,
        {"artwork/hero.jpg": (2000, 1200)},
    )
    ring = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ring.paste((200, 30, 30, 255), (0, 0, 600, 60))
    ring.save(folder / "artwork" / "frame.png")
    workspace.build()

    decodes: list[str] = []
    load = ImageFile.ImageFile.load

    def counting_load(self: ImageFile.ImageFile) -> object:
        decodes.append(str(getattr(self, "filename", "")))
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    assert workspace.build().processed == 0
    assert decodes == []
    # The counter does see real work: a changed frame is read again.
    ring.paste((30, 30, 200, 255), (0, 540, 600, 600))
    ring.save(folder / "artwork" / "frame.png")
    workspace.build()
    assert any(name.endswith("frame.png") for name in decodes)


def test_checks_remembered_from_a_clean_build_still_catch_new_content(simple: Workspace) -> None:
    simple.build()
    before = {p: p.read_bytes() for p in simple.out.rglob("*") if p.is_file()}
    notice = simple.root / "campaigns" / "simple" / "notice.md"
    notice.write_text("[Read more](https://tracker.example/?utm_source=kit)\n", "utf-8")
    with pytest.raises(ContentError, match="tracker.example"):
        simple.build()
    assert {p: p.read_bytes() for p in simple.out.rglob("*") if p.is_file()} == before


def test_half_written_files_of_killed_builds_are_cleared_from_the_cache(
    simple: Workspace,
) -> None:
    simple.build()
    images = simple.root / ".kitgen-cache" / "images"
    folder = next(p for p in images.iterdir() if p.is_dir())
    ended = subprocess.Popen(["true"])  # a process that has ended: no one writes as its pid
    ended.wait()
    abandoned = folder / f".{'a' * 64}.jpg.{ended.pid}.tmp"
    abandoned_zip = images.parent / "zips" / f".{'c' * 64}.zip.{ended.pid}.tmp"
    in_flight = folder / f".{'b' * 64}.jpg.{os.getpid()}.tmp"  # a writer that is still running
    for partial in (abandoned, abandoned_zip, in_flight):
        partial.write_bytes(b"half a file")
    hero = simple.root / "campaigns" / "simple" / "artwork" / "hero.jpg"
    write_image(hero, (2000, 1200), quality=70)  # new bytes: the next build makes images

    simple.build()  # makes images again, and clears up first

    assert not abandoned.exists() and not abandoned_zip.exists()
    assert in_flight.exists()
