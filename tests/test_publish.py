"""Atomic publish, one build at a time, and clean failure when the disk fails."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kitgen.errors import KitgenError, UsageProblem

from .conftest import Workspace, snapshot

INTERRUPT = Path(__file__).with_name("interrupt.py")


def interrupted(root: Path, **env: str) -> subprocess.Popen[str]:
    """Start `kitgen build` under the interrupt harness (see tests/interrupt.py)."""
    return subprocess.Popen(
        [sys.executable, str(INTERRUPT), "build", "--root", str(root), "--jobs", "1"],
        env={**os.environ, "CI": "true", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def beside(out: Path) -> list[str]:
    """What a build left next to the output folder, apart from the output itself."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def retitle(ws: Workspace, title: str) -> None:
    toml = ws.root / "campaigns" / "simple" / "campaign.toml"
    toml.write_text(re.sub(r'(?m)^title = ".*"$', f'title = "{title}"', toml.read_text()))


def kill_points(changes: list[str]) -> list[int]:
    """A spread of points over the whole build, and every point around the publish step."""
    last_write = next(i for i, c in enumerate(changes, 1) if c.endswith("/SHA256SUMS"))
    around = range(last_write, min(last_write + 5, len(changes)) + 1)
    spread = range(1, last_write, max(1, last_write // 4))
    return sorted({*spread, *around, len(changes)})


@pytest.mark.parametrize("mode", ["renameat2", "two-renames"])
def test_sigkill_at_any_moment_leaves_the_old_or_the_new_kit_whole(
    kit: Workspace, tmp_path: Path, mode: str
) -> None:
    before = snapshot(kit.out)
    pristine = tmp_path / "pristine"
    shutil.copytree(kit.out, pristine)
    retitle(kit, "Simple, revised")
    kit.build(out=tmp_path / "after")  # builds are reproducible: this is what would appear
    after = snapshot(tmp_path / "after")
    assert after != before
    env = {"NO_EXCHANGE": "1"} if mode == "two-renames" else {}

    dry = interrupted(kit.root, **env)
    _, err = dry.communicate()
    assert dry.returncode == 0, err
    changes = err.splitlines()
    assert any(c.startswith("os.rename") for c in changes) == (mode == "two-renames")
    shutil.rmtree(kit.out)
    shutil.copytree(pristine, kit.out)

    seen = set()
    for point in kill_points(changes):
        killed = interrupted(kit.root, KILL_AT=str(point), **env)
        killed.communicate()
        assert killed.returncode == -signal.SIGKILL, f"not killed at {changes[point - 1]}"
        if kit.out.exists():
            state = snapshot(kit.out)
            assert state in (before, after), f"a mixed kit after a kill at {changes[point - 1]}"
            seen.add("old" if state == before else "new")
        else:
            # Only between the fallback's two renames: the old kit waits beside it, whole.
            assert mode == "two-renames", f"no output after a kill at {changes[point - 1]}"
            (retired,) = (p for p in kit.out.parent.iterdir() if ".output.old-" in p.name)
            assert snapshot(retired) == before
            seen.add("retired")

        # The next build cleans up after the killed one, even when it fails itself.
        with pytest.raises(UsageProblem):
            kit.build("nosuch")
        assert snapshot(kit.out) in (before, after)
        assert beside(kit.out) == [".output.lock"]
        shutil.rmtree(kit.out)
        shutil.copytree(pristine, kit.out)
    assert seen >= {"old", "new"} | ({"retired"} if mode == "two-renames" else set())


def test_a_second_build_fails_naming_the_first_and_a_killed_ones_lock_is_taken_over(
    kit: Workspace,
) -> None:
    retitle(kit, "Simple, revised")
    first = interrupted(kit.root, STOP_AT=".output.tmp-")
    _, status = os.waitpid(first.pid, os.WUNTRACED)  # stopped inside its build, holding the lock
    assert os.WIFSTOPPED(status)
    try:
        with pytest.raises(KitgenError, match=rf"another build is running \(pid {first.pid}\)"):
            kit.build()
        result = subprocess.run(
            [sys.executable, "-m", "kitgen", "build", "--root", str(kit.root)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert result.stderr == (
            f"Error: {kit.out}: another build is running (pid {first.pid})"
            " — wait for it to finish\n"
        )
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _, err = first.communicate()
    assert first.returncode == 0, err
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=kit.out, check=True)
    assert "Simple, revised" in (kit.out / "simple" / "index.html").read_text()

    # A build killed while holding the lock: its lock and staging folder are taken over.
    retitle(kit, "Simple, third")
    stale = interrupted(kit.root, STOP_AT=".output.tmp-")
    os.waitpid(stale.pid, os.WUNTRACED)
    os.kill(stale.pid, signal.SIGKILL)
    stale.communicate()
    assert (kit.out.parent / ".output.lock").read_text() == f"{stale.pid}\n"
    kit.build()
    assert beside(kit.out) == [".output.lock"]
    assert "Simple, third" in (kit.out / "simple" / "index.html").read_text()


def test_a_full_disk_fails_cleanly_and_keeps_the_kit(
    kit: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(kit.out)
    retitle(kit, "Simple, revised")
    real_write = Path.write_bytes

    def full_disk(path: Path, data: bytes) -> int:  # type: ignore[override]
        if path.suffix == ".html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(KitgenError) as caught:
        kit.build()
    message = caught.value.format_message()
    assert message.startswith(f"{kit.root}/.output.tmp-{os.getpid()}/")
    assert message.endswith(
        ": cannot read or write (No space left on device) — free some space and build again"
    )
    assert snapshot(kit.out) == before
    assert beside(kit.out) == [".output.lock"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A real 3 MB tmpfs (needs root, as in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_really_full_disk_fails_cleanly_and_keeps_the_kit(
    kit: Workspace, small_disk: Path
) -> None:
    out = small_disk / "output"
    kit.build(out=out)
    before = snapshot(out)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(bytes(free - 64 * 1024))  # room for a page, not a kit
    retitle(kit, "Simple, revised")
    result = subprocess.run(
        [sys.executable, "-m", "kitgen", "build", "--root", str(kit.root), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {small_disk}/.output.tmp-")
    assert result.stderr.endswith(
        ": cannot read or write (No space left on device) — free some space and build again\n"
    )
    assert snapshot(out) == before
    assert beside(out) == [".output.lock"]


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        (".", "the output folder must not contain the workspace"),
        ("..", "the output folder must not contain the workspace"),
        ("campaigns/out", "the output folder must not be inside campaigns/"),
        ("campaigns/simple/artwork", "the output folder must not be inside campaigns/"),
        (".kitgen-cache", "the output folder must not be inside .kitgen-cache/"),
        ("notes", "exists and is not a kit (no manifest.json)"),
        ("notes/todo.txt", "exists and is not a folder"),
    ],
)
def test_an_output_folder_that_is_not_a_kit_is_never_replaced(
    kit: Workspace, where: str, problem: str
) -> None:
    (kit.root / "notes").mkdir()
    (kit.root / "notes" / "todo.txt").write_text("precious")
    everything = snapshot(kit.root.parent)
    with pytest.raises(KitgenError, match=re.escape(problem)):
        kit.build(out=kit.root / where)
    assert snapshot(kit.root.parent) == everything


def test_an_empty_folder_may_be_the_output(kit: Workspace, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    kit.build(out=tmp_path / "empty")
    assert (tmp_path / "empty" / "manifest.json").is_file()


def test_leftovers_of_other_outputs_are_not_touched(kit: Workspace) -> None:
    other = kit.root / ".output.tmp-1.tmp-2"  # staging of an output named `output.tmp-1`
    other.mkdir()
    kit.build()
    assert other.is_dir()


def add_campaign(ws: Workspace, slug: str, hero: bytes | None = None) -> None:
    folder = ws.campaign(
        slug,
        f'title = "{slug}"\nplatforms = ["zoom"]\n'
        '[[artwork]]\nfile = "hero.jpg"\nslots = ["background"]\nalt = "A"\n',
        {"hero.jpg": (1920, 1080)},
    )
    if hero is not None:
        (folder / "hero.jpg").write_bytes(hero)


def test_keep_going_reports_every_broken_campaign_and_publishes_nothing(kit: Workspace) -> None:
    before = snapshot(kit.out)
    add_campaign(kit, "fresh")
    add_campaign(kit, "broken-config")
    (kit.root / "campaigns" / "broken-config" / "campaign.toml").write_text("title = 1\n")
    add_campaign(kit, "broken-image")
    truncated = (kit.root / "campaigns" / "broken-image" / "hero.jpg").read_bytes()[:5000]
    (kit.root / "campaigns" / "broken-image" / "hero.jpg").write_bytes(truncated)

    result = subprocess.run(
        [sys.executable, "-m", "kitgen", "build", "--keep-going", "--root", str(kit.root)],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )
    assert result.returncode == 1
    assert result.stdout.startswith("built 2 campaigns: ")
    assert result.stdout.rstrip().endswith(
        f"not published: {kit.out} is unchanged (--publish-partial publishes the rest)"
    )
    assert result.stderr.splitlines() == [
        "Error: campaigns/broken-config/campaign.toml: expected a string (title)",
        "       campaigns/broken-image/hero.jpg: the file is cut short (truncated)"
        " — copy or export it again",
    ]
    assert snapshot(kit.out) == before


def test_publish_partial_publishes_the_campaigns_that_built(kit: Workspace) -> None:
    add_campaign(kit, "fresh")
    add_campaign(kit, "broken-image", hero=b"\x89PNG\r\n\x1a\n" + bytes(50))
    result = kit.build(publish_partial=True)
    assert result.published and result.campaigns == 2
    assert result.failed == [
        "campaigns/broken-image/hero.jpg: not a readable image (corrupt, truncated or not an"
        " image) — export it again as PNG or JPEG"
    ]
    assert (kit.out / "fresh" / "index.html").is_file()
    assert (kit.out / "simple" / "index.html").is_file()
    assert not (kit.out / "broken-image").exists()
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=kit.out, check=True)


def test_a_missing_workspace_is_bad_usage_and_creates_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kitgen", "build", "--root", str(tmp_path / "typo")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == f"Error: {tmp_path / 'typo'}: no such workspace folder\n"
    assert list(tmp_path.iterdir()) == []
