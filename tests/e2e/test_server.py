"""nginx, set up from deploy/nginx/kitgen.conf, serves the kit as IT will: headers, types, cache."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from .pages import PAGES, fetch, page_id
from .policy import MEDIA_TYPES, lower, security_problems

YEAR = 365 * 24 * 3600


def max_age(cache_control: str) -> int:
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found.group(1)) if found else 0


def test_the_page_list_covers_every_page_of_the_kit(sample_kit: Path) -> None:
    """PAGES parametrizes every browser test: a new kind of page must be added to it."""
    built = {p.relative_to(sample_kit).as_posix() for p in sample_kit.rglob("*.html")}
    assert built == {f"{path}index.html" for path in PAGES}


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_every_page_is_served_with_the_security_headers(nginx_kit: str, path: str) -> None:
    response = fetch(nginx_kit + path)
    assert response.status == 200
    assert response.headers.get_content_type() == "text/html"
    assert response.headers.get_content_charset() == "utf-8"
    assert security_problems(nginx_kit + path, lower(response.headers)) == []
    assert "Server" not in response.headers or "/" not in response.headers["Server"]


def test_every_file_arrives_intact_with_its_type_and_caching(
    nginx_kit: str, sample_kit: Path
) -> None:
    """Download every file through nginx: right type, right cache rule, SHA256SUMS verifies."""
    sums = {
        name: digest
        for digest, name in (
            line.split("  ", 1) for line in (sample_kit / "SHA256SUMS").read_text().splitlines()
        )
    }
    files = sorted(
        p.relative_to(sample_kit).as_posix() for p in sample_kit.rglob("*") if p.is_file()
    )
    assert set(files) == {*sums, "SHA256SUMS"}
    problems = []
    for name in files:
        url = nginx_kit + name
        response = fetch(url)
        if response.status != 200:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        if name in sums and hashlib.sha256(response.body).hexdigest() != sums[name]:
            problems.append(f"{url}: bytes differ from SHA256SUMS")
        want = MEDIA_TYPES.get(Path(name).suffix, "a type listed in policy.MEDIA_TYPES")
        if response.headers.get_content_type() != want:
            problems.append(f"{url}: Content-Type {response.headers['Content-Type']}, want {want}")
        cache = response.headers.get("Cache-Control", "")
        if name.startswith("assets/"):
            if "immutable" not in cache or max_age(cache) < YEAR:
                problems.append(f"{url}: content-hashed asset cached only {cache!r}")
        elif "immutable" in cache or max_age(cache) > 3600:
            problems.append(f"{url}: renamed-in-place file cached too long: {cache!r}")
        problems += security_problems(url, lower(response.headers))
    assert problems == []


def test_folders_are_never_listed_and_missing_files_are_404(nginx_kit: str) -> None:
    for folder in ("assets/", "spring-launch/linkedin/"):
        response = fetch(nginx_kit + folder)
        assert response.status in (403, 404), folder
        assert b"Index of" not in response.body
    missing = fetch(nginx_kit + "no-such-page.html")
    assert missing.status == 404
    assert security_problems("404 page", lower(missing.headers)) == []
    assert fetch(nginx_kit + ".hidden").status == 404


def test_a_folder_without_its_slash_redirects_relatively(nginx_kit: str) -> None:
    """Relative links only work at "slug/", so "slug" must redirect there, keeping host and port."""
    response = fetch(nginx_kit + "spring-launch")
    assert response.status == 301
    assert response.headers["Location"] == "/kits/spring-launch/"
    bare = fetch(nginx_kit.rstrip("/"))
    assert (bare.status, bare.headers["Location"]) == (301, "/kits/")
