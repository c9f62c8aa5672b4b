"""Every page of the kit is valid HTML according to a current W3C Nu HTML Checker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from . import tools


def test_every_page_validates_with_the_nu_html_checker(sample_kit: Path) -> None:
    java = tools.java()
    vnu = tools.file("vnu.jar", tools.VNU_JAR)
    pages = sorted(sample_kit.rglob("*.html"))
    assert len(pages) >= 3
    # One JVM for every page: starting Java costs more than checking a page.
    run = subprocess.run(
        [java, "-jar", str(vnu), "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(run.stdout)["messages"]
    errors = [
        f"{urlsplit(m.get('url', '')).path.removeprefix(str(sample_kit))}"
        f":{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []
    assert run.returncode == 0, run.stderr
