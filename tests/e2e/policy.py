"""What a deployed kit's responses must carry: the security headers the issue names, the types."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import Message

# What the issue asks of every response; the deploy config may be stricter, never looser.
REQUIRED_CSP = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]

# The Content-Type (without parameters) each kind of file in a kit must be served with.
MEDIA_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".md": "text/plain",  # announcement texts: shown, not downloaded
    ".ics": "text/calendar",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    "": "text/plain",  # SHA256SUMS
}


def security_problems(url: str, headers: Mapping[str, str]) -> list[str]:
    """Return what is missing from one response's security headers (names in lower case)."""
    get = headers.get
    problems = []
    csp = dict(
        (part.split(None, 1) + [""])[:2] for part in get("content-security-policy", "").split(";")
    )
    for directive, value in REQUIRED_CSP.items():
        if csp.get(directive) != value:
            problems.append(f"{url}: CSP {directive} is {csp.get(directive)!r}, want {value!r}")
    if get("referrer-policy") != "no-referrer":
        problems.append(f"{url}: Referrer-Policy is {get('referrer-policy')!r}")
    if get("x-content-type-options") != "nosniff":
        problems.append(f"{url}: X-Content-Type-Options is {get('x-content-type-options')!r}")
    policy = get("permissions-policy", "")
    problems += [
        f"{url}: Permissions-Policy allows {f}" for f in DENIED_FEATURES if f"{f}=()" not in policy
    ]
    return problems


def lower(headers: Message) -> dict[str, str]:
    """Return an HTTP message's headers as a dict with lower-case names, like Playwright's."""
    return {name.lower(): value for name, value in headers.items()}
