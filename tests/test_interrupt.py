from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import Workspace, write_image


def _session_members(session: int) -> list[int]:
    """Return the pids of live processes in a session (field 6 of /proc/<pid>/stat)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_ctrl_c_twice_during_a_parallel_build_stops_at_once(workspace: Workspace) -> None:
    artwork = "\n".join(
        f'[[artwork]]\nfile = "artwork/p{i}.jpg"\nslots = ["cover", "background", "profile"]\n'
        f'alt = "Photo {i}"\n'
        for i in range(8)
    )
    folder = workspace.campaign("c", 'title = "C"\n' + artwork)
    for i in range(8):
        write_image(folder / "artwork" / f"p{i}.jpg", (3000, 2000), quality=95)
    cache = workspace.root / ".kitgen-cache" / "images"
    build = subprocess.Popen(
        [sys.executable, "-m", "kitgen", "build", "--jobs", "2", "--root", str(workspace.root)],
        start_new_session=True,
        # A shell starts background jobs with Ctrl+C ignored; a person's terminal does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={**os.environ, "CI": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(cache.rglob("*.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert build.poll() is None, "the build ended before it could be interrupted"
    for _ in range(2):
        os.killpg(build.pid, signal.SIGINT)
        time.sleep(0.1)
    output, _ = build.communicate(timeout=20)
    # Stopped by the first Ctrl+C (click's "Aborted!", exit 1), or by the second once cleanup
    # is done (killed by SIGINT, as a shell expects): either way at once and without a traceback.
    assert build.returncode in (1, -signal.SIGINT), output
    assert "Traceback" not in output
    assert not (workspace.root / "output").exists()
    deadline = time.monotonic() + 10
    while _session_members(build.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_members(build.pid) == []  # no worker left behind
