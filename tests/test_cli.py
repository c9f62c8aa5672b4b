from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kitgen.cli import main

from .conftest import Workspace


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true"}
    return subprocess.run(
        [sys.executable, "-m", "kitgen", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_build_succeeds_with_a_one_line_summary(simple: Workspace) -> None:
    result = run("build", "--root", str(simple.root))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built 1 campaign: 4 images (4 new), 3 pages, 0 warnings in ")
    assert "\x1b[" not in result.stdout + result.stderr  # no colour codes in a pipe


def test_content_errors_exit_1_without_a_traceback(workspace: Workspace) -> None:
    workspace.campaign("bad", 'title = 1\nplatforms = ["nope"]\n')
    result = run("build", "--root", str(workspace.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Error: campaigns/bad/campaign.toml: expected a string (title)" in result.stderr
    assert "campaigns/bad/campaign.toml: unknown platform 'nope'" in result.stderr


def test_bad_usage_exits_2(simple: Workspace) -> None:
    assert run("build", "--jobs", "0").returncode == 2
    assert run("frobnicate").returncode == 2
    missing = run("build", "nosuch", "--root", str(simple.root))
    assert missing.returncode == 2
    assert "no campaign 'nosuch'" in missing.stderr


def test_check_builds_nothing(simple: Workspace) -> None:
    result = run("check", "--root", str(simple.root))
    assert result.returncode == 0, result.stderr
    assert "checked 1 campaign: 4 images planned, 0 warnings" in result.stdout
    assert not simple.out.exists()


def test_check_reports_problems(workspace: Workspace) -> None:
    workspace.campaign("c", 'title = "T"\nends = 2026-01-01\nstarts = 2026-02-01\n')
    result = run("check", "--root", str(workspace.root))
    assert result.returncode == 1
    assert "ends (2026-01-01) is before starts (2026-02-01)" in result.stderr


def test_platforms_json_has_the_promised_shape() -> None:
    result = CliRunner().invoke(main, ["platforms", "--json"])
    assert result.exit_code == 0
    presets = json.loads(result.output)
    linkedin = next(p for p in presets if p["id"] == "linkedin")
    assert set(linkedin) == {"id", "name", "slots"}
    assert set(linkedin["slots"][0]) == {"slot", "width", "height", "max_bytes", "formats", "shape"}


def test_new_scaffolds_a_campaign_that_checks_clean(tmp_path: Path) -> None:
    result = run("new", "autumn-fair", "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    toml = tmp_path / "campaigns" / "autumn-fair" / "campaign.toml"
    assert 'title = "Autumn Fair"' in toml.read_text()
    assert run("check", "--root", str(tmp_path)).returncode == 0
    again = run("new", "autumn-fair", "--root", str(tmp_path))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run("new", "Bad Name", "--root", str(tmp_path)).returncode == 2


def test_every_command_has_help() -> None:
    for command in ("new", "build", "check", "platforms"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_default_root_is_the_current_folder(simple: Workspace) -> None:
    assert run("build", cwd=simple.root).returncode == 0
    assert (simple.root / "output" / "simple" / "index.html").is_file()
