"""The pages of the sample kit, known before it is built so tests can be parametrized by page."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

CAMPAIGNS = Path(__file__).resolve().parents[2] / "campaigns"


def page_paths() -> list[str]:
    """Return every page's path under the kit's base URL, as a visitor would type it."""
    slugs = sorted(p.parent.name for p in CAMPAIGNS.glob("*/campaign.toml"))
    return ["", *(f"{slug}/" for slug in slugs), *(f"{slug}/terms/" for slug in slugs)]


PAGES = page_paths()
CAMPAIGN_PAGES = [p for p in PAGES if p.count("/") == 1]


def page_id(path: str) -> str:
    """Return a short name for a page path, for test ids and screenshot file names."""
    return path.strip("/").replace("/", "-") or "index"


def manifest(kit: Path) -> dict[str, Any]:
    """Return the built kit's manifest."""
    loaded: dict[str, Any] = json.loads((kit / "manifest.json").read_text("utf-8"))
    return loaded


def campaign_of(kit: Path, path: str) -> dict[str, Any]:
    """Return the manifest entry of the campaign whose page is at `path` ("slug/")."""
    slug = path.split("/")[0]
    return next(c for c in manifest(kit)["campaigns"] if c["slug"] == slug)


def zips_of(campaign: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return each zip a campaign offers (all of it, and per platform if built) with its assets."""
    zips = {campaign["zip"]: campaign["assets"]}
    for platform, path in campaign.get("platform_zips", {}).items():
        zips[path] = [a for a in campaign["assets"] if a["platform"] == platform]
    return zips


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # let the test see the 301 itself


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET") -> Response:
    """Return status, headers and body of `url` without following redirects."""
    request = urllib.request.Request(url, method=method)
    try:
        with _opener.open(request, timeout=10) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers, error.read())
