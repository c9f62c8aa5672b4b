"""The nginx, Apache and IIS configs in deploy/ promise the same headers and file types.

Only the nginx config runs in the tests (tests/e2e); these checks keep the other two from
drifting away from it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
KIT_EXTENSIONS = [
    "html",
    "css",
    "js",
    "json",
    "jpg",
    "png",
    "webp",
    "avif",
    "zip",
    "svg",
    "txt",
    "md",
    "ics",
]


def nginx() -> tuple[dict[str, str], dict[str, str]]:
    text = (DEPLOY / "nginx" / "kitgen.conf").read_text("utf-8")
    headers = dict(re.findall(r'^\s*add_header ([\w-]+) "([^"]*)" always;', text, re.M))
    types_block = re.search(r"types \{(.*?)\}", text, re.S)
    assert types_block
    entries = [
        line.split("#")[0].strip().rstrip(";").split() for line in types_block.group(1).splitlines()
    ]
    types = {ext: entry[0] for entry in entries if entry for ext in entry[1:]}
    return headers, types


def apache() -> tuple[dict[str, str], dict[str, str]]:
    text = (DEPLOY / "apache" / "kitgen.conf").read_text("utf-8")
    headers = dict(re.findall(r'^\s*Header always set ([\w-]+) "([^"]*)"$', text, re.M))
    headers.pop("Cache-Control")  # set per folder, checked below
    types = {
        ext.lstrip("."): media
        for media, exts in re.findall(r"^\s*AddType (\S+) (.+)$", text, re.M)
        for ext in exts.split()
    }
    return headers, types


def iis() -> tuple[dict[str, str], dict[str, str]]:
    root = ET.parse(DEPLOY / "iis" / "web.config").getroot()
    headers = {e.get("name", ""): e.get("value", "") for e in root.iter("add") if e.get("name")}
    types = {
        e.get("fileExtension", "").lstrip("."): e.get("mimeType", "").split(";")[0]
        for e in root.iter("mimeMap")
    }
    return headers, types


def test_apache_and_iis_send_the_headers_nginx_sends() -> None:
    headers, _ = nginx()
    assert {"Content-Security-Policy", "Referrer-Policy", "Permissions-Policy"} <= set(headers)
    assert apache()[0] == headers
    assert iis()[0] == headers


def test_every_config_gives_the_kits_files_the_same_types() -> None:
    _, types = nginx()
    assert types["webp"] == "image/webp" and types["avif"] == "image/avif"
    for name, (_, other) in (("apache", apache()), ("iis", iis())):
        assert {e: other.get(e) for e in KIT_EXTENSIONS} == {e: types[e] for e in KIT_EXTENSIONS}, (
            name
        )


def test_every_config_caches_hashed_assets_long_and_everything_else_briefly() -> None:
    nginx_text = (DEPLOY / "nginx" / "kitgen.conf").read_text("utf-8")
    apache_text = (DEPLOY / "apache" / "kitgen.conf").read_text("utf-8")
    for text in (nginx_text, apache_text):
        assert '"public, max-age=31536000, immutable"' in text
        assert '"public, max-age=300, must-revalidate"' in text
    caches = {
        e.get("cacheControlMaxAge"): e.get("cacheControlCustom")
        for e in ET.parse(DEPLOY / "iis" / "web.config").getroot().iter("clientCache")
    }
    assert caches == {"365.00:00:00": "public, immutable", "00:05:00": "public, must-revalidate"}


def test_no_config_lists_folders() -> None:
    assert "autoindex off;" in (DEPLOY / "nginx" / "kitgen.conf").read_text("utf-8")
    assert "Options -Indexes" in (DEPLOY / "apache" / "kitgen.conf").read_text("utf-8")
    browse = ET.parse(DEPLOY / "iis" / "web.config").getroot().find(".//directoryBrowse")
    assert browse is not None and browse.get("enabled") == "false"
