"""Find the real programs the end-to-end tests drive: skip locally, fail in CI, if one is absent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

HERE = Path(__file__).resolve().parent
# `npm ci --prefix tests/e2e` (run by scripts/test) installs the pinned package.json here.
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

HOW_TO_GET = {
    "nginx": "apt-get install nginx",
    "chromium": "apt-get install chromium",
    "java": "apt-get install default-jre-headless",
    "axe-core": "npm ci --prefix tests/e2e (scripts/test does this when npm is installed)",
    "vnu.jar": "npm ci --prefix tests/e2e (scripts/test does this when npm is installed)",
}


def in_ci() -> bool:
    """Return whether we run in CI, where every end-to-end test must run rather than skip."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(tool: str) -> NoReturn:
    """Skip (locally) or fail (in CI) because `tool` is not installed, saying how to install it."""
    message = f"{tool} is not installed; install it with: {HOW_TO_GET[tool]}"
    if in_ci():
        pytest.fail(f"end-to-end tests must run in CI, but {message}", pytrace=False)
    pytest.skip(message)


def program(tool: str, *candidates: str) -> str:
    """Return the path of an executable, found on PATH or at one of the usual places."""
    for name in (tool, *candidates):
        found = shutil.which(name)  # also accepts an absolute path
        if found:
            return found
    missing(tool)


def nginx() -> str:
    """Return the nginx executable (Debian keeps it in /usr/sbin, not on a user's PATH)."""
    return program("nginx", "/usr/sbin/nginx")


def chromium() -> str:
    """Return Debian's Chromium, which Playwright drives instead of downloading its own."""
    override = os.environ.get("KITGEN_CHROMIUM")
    if override:
        return override
    return program("chromium", "/usr/bin/chromium", "chromium-browser")


def java() -> str:
    """Return the Java runtime that runs the Nu HTML Checker."""
    return program("java")


def file(tool: str, path: Path) -> Path:
    """Return a file the tests need (axe-core, vnu.jar), or skip/fail naming how to get it."""
    if not path.is_file():
        missing(tool)
    return path
