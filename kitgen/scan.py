"""The no-tracking guarantee: scan a built kit for anything that loads, stores or reports.

Every build runs this over the staging folder before publishing, and no setting turns it off:
a page that would load from another origin, store data in the browser, send a beacon or carry
a per-person or campaign-source link fails the build, naming the output file and line and the
theme or Markdown file it came from. HTML is read with the standard library's tolerant
`html.parser` (it reports line numbers and sees markup the way a browser's tokenizer does),
CSS with regexes for `url()`, `@import` and `image-set()`, scripts with a small tokenizer that
drops comments and keeps string literals, then pattern checks.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from kitgen.memo import Passed

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".svg")
CSS_SUFFIXES = (".css",)
JS_SUFFIXES = (".js", ".mjs")

# <link rel> values that never make the browser fetch anything on its own.
NON_LOADING_RELS = frozenset(
    {"alternate", "author", "bookmark", "canonical", "help", "license", "me", "next", "prev"}
)
# Elements whose href is a link a person follows; on every other element (SVG <use>, <image>,
# <feImage>, <script>…) href and xlink:href make the browser load what they point at.
LINK_ELEMENTS = frozenset({"a", "area"})
LOADING_ATTRIBUTES = ("src", "poster", "background", "lowsrc", "dynsrc", "codebase", "manifest")
FRAME_ELEMENTS = frozenset({"iframe", "frame", "object", "embed", "portal", "applet"})
SCRIPT_TYPES = frozenset({"", "text/javascript", "module", "application/javascript"})
# Browsers drop these from URLs before parsing, so `java\tscript:` is still javascript:.
_URL_NOISE = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


@dataclass(frozen=True)
class Finding:
    path: str  # output file, relative to the kit root
    line: int
    problem: str
    evidence: str  # the text that gives it away, looked up in the sources to name the origin


# --- URLs ---------------------------------------------------------------------


@cache
def _tracking_names() -> tuple[tuple[str, ...], frozenset[str]]:
    data = tomllib.loads(
        resources.files("kitgen").joinpath("data", "tracking.toml").read_text("utf-8")
    )
    return tuple(data["prefixes"]), frozenset(data["parameters"])


def _normalise(url: str) -> str:
    # A backslash counts as a slash to browsers: `/\evil.example` is protocol-relative.
    return _URL_NOISE.sub("", url).replace("\\", "/")


def scheme_of(url: str) -> str:
    """Return the URL's lower-case scheme, `//` for protocol-relative, or '' for relative."""
    url = _normalise(url)
    if url.startswith("//"):
        return "//"
    match = _SCHEME.match(url.lower())
    return match.group(1) if match else ""


def is_other_origin(url: str) -> bool:
    """Tell whether loading this URL would leave the kit's own origin."""
    # data: and blob: URLs carry their content with them; every other scheme goes somewhere.
    return scheme_of(url) not in ("", "data", "blob")


def _tracking_parameters(text: str) -> list[str]:
    prefixes, names = _tracking_names()
    found = []
    for key, _ in parse_qsl(text, keep_blank_values=True):
        lower = key.lower()
        if lower in names or lower.startswith(prefixes):
            found.append(key)
    return found


def link_problems(url: str, rel: str) -> list[str]:
    """Return what is wrong with a link a person may follow (`<a href>`), if anything."""
    scheme = scheme_of(url)
    if scheme == "javascript":
        return ["a javascript: link runs script when followed — link to a page instead"]
    parts = urlsplit(_normalise(url))
    problems = []
    marked = _tracking_parameters(parts.query) + _tracking_parameters(parts.fragment)
    if marked:
        problems.append(
            f"link {url!r} carries {', '.join(marked)}, which marks who clicked or where they came"
            " from — remove the parameter"
        )
    elif parts.query and scheme not in ("mailto", "tel"):
        problems.append(
            f"link {url!r} has a query string, which could identify a person or a campaign source"
            " — link without '?…'"
        )
    elif "=" in parts.fragment:
        problems.append(
            f"link {url!r} carries parameters after '#', which could identify a person"
            " — link to a plain #section"
        )
    if scheme in ("http", "https", "//", "ftp"):
        tokens = set(rel.lower().split())
        if not {"noreferrer", "noopener"} <= tokens:
            problems.append(
                f'link {url!r} to another site needs rel="noreferrer noopener", so the other site'
                " does not learn which page sent the person"
            )
    return problems


# --- CSS ----------------------------------------------------------------------

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CSS_IMAGE_SET = re.compile(r"image-set\(([^)]*)\)", re.IGNORECASE)
_CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")


def _blank(match: re.Match[str]) -> str:
    """Replace a comment by spaces, keeping its newlines so line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def css_findings(path: str, css: str, first_line: int = 1) -> list[Finding]:
    """Find every url(), @import and image-set() in CSS that loads from another origin."""
    css = _CSS_COMMENT.sub(_blank, css)
    found: list[tuple[int, str, str]] = []
    for pattern, what in ((_CSS_URL, "url()"), (_CSS_IMPORT, "@import")):
        for m in pattern.finditer(css):
            found.append((m.start(), next(g for g in m.groups() if g is not None), what))
    for m in _CSS_IMAGE_SET.finditer(css):
        for s in _CSS_STRING.finditer(m.group(1)):
            found.append((m.start() + s.start(), s.group(1) or s.group(2) or "", "image-set()"))
    return [
        Finding(
            path,
            first_line + css.count("\n", 0, offset),
            f"CSS {what} loads {url!r} from another origin — ship the file in the theme's static/",
            url,
        )
        for offset, url, what in sorted(found)
        if is_other_origin(url)
    ]


# --- JavaScript ---------------------------------------------------------------


@dataclass(frozen=True)
class _Script:
    code: str  # the source with comments blanked out, strings kept
    strings: tuple[tuple[int, str], ...]  # (offset, contents) of every string literal


def _tokenise(js: str) -> _Script:
    """Blank out comments and collect string literals; regex literals are skipped roughly."""
    out = list(js)
    strings: list[tuple[int, str]] = []
    i, n, last = 0, len(js), ""
    while i < n:
        c = js[i]
        if js.startswith("//", i):
            end = js.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        if js.startswith("/*", i):
            end = js.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out[i:end] = [ch if ch == "\n" else " " for ch in js[i:end]]
            i = end
            continue
        if c in "'\"`":
            j = i + 1
            while j < n and js[j] != c:
                j += 2 if js[j] == "\\" else 1
            strings.append((i, js[i + 1 : j]))
            i, last = j + 1, c
            continue
        if c == "/" and (not last or last in "(,=:[!&|?{};+-*%<>~^"):
            j, in_class = i + 1, False  # a regex literal: skip to its closing slash
            while j < n and js[j] != "\n" and (js[j] != "/" or in_class):
                if js[j] == "\\":
                    j += 1
                elif js[j] in "[]":
                    in_class = js[j] == "["
                j += 1
            i, last = j + 1, "/"
            continue
        if not c.isspace():
            last = c
        i += 1
    return _Script("".join(out), tuple(strings))


# Each: pattern over the code, and why it is refused.
_JS_FORBIDDEN = (
    (re.compile(r"\bdocument\s*(?:\.\s*cookie\b|\[\s*['\"`]cookie)"), "reads or sets cookies"),
    (
        re.compile(r"\b(?:localStorage|sessionStorage|indexedDB)\b"),
        "stores data in the browser (localStorage, sessionStorage or indexedDB)",
    ),
    (re.compile(r"\bsendBeacon\b"), "sends a beacon (navigator.sendBeacon)"),
    (re.compile(r"\bimportScripts\s*\("), "loads scripts at run time (importScripts)"),
)
# Requests allowed only with a literal relative address: the kit's own files.
_JS_REQUESTS = re.compile(r"\b(fetch|new\s+WebSocket|new\s+EventSource|import)\s*\(")
_JS_XHR = re.compile(r"\bXMLHttpRequest\b")
_JS_XHR_OPEN = re.compile(r"\.open\s*\(\s*(['\"])\w+\1\s*,\s*")


def _literal_at(script: _Script, offset: int) -> str | None:
    """Return the string literal starting at `offset` (after spaces), if it is a plain one."""
    while offset < len(script.code) and script.code[offset].isspace():
        offset += 1
    for start, value in script.strings:
        if start == offset:
            quote = script.code[start]
            return None if quote == "`" and "${" in value else value
    return None


def js_findings(path: str, js: str, first_line: int = 1) -> list[Finding]:
    """Find cookies, storage, beacons and requests to anywhere but the kit's own files."""
    script = _tokenise(js)
    found: list[tuple[int, str, str]] = []
    for pattern, why in _JS_FORBIDDEN:
        for m in pattern.finditer(script.code):
            found.append((m.start(), f"script {why}", m.group(0)))
    for m in _JS_REQUESTS.finditer(script.code):
        target = _literal_at(script, m.end())
        if target is None or is_other_origin(target):
            name = " ".join(m.group(1).split())
            found.append(
                (
                    m.start(),
                    f"script {name}() to {repr(target) if target else 'a computed address'}:"
                    " scripts may only request the kit's own files, by a literal relative path",
                    m.group(0),
                )
            )
    for m in _JS_XHR.finditer(script.code):
        opens = [_literal_at(script, o.end()) for o in _JS_XHR_OPEN.finditer(script.code)]
        if not opens or any(t is None or is_other_origin(t) for t in opens):
            found.append(
                (
                    m.start(),
                    "script XMLHttpRequest to an address other than a literal relative path:"
                    " scripts may only request the kit's own files",
                    m.group(0),
                )
            )
    for start, value in script.strings:
        if scheme_of(value) in ("http", "https", "ws", "wss", "ftp") or re.match(r"//\w", value):
            found.append(
                (start, f"script names {value!r} on another origin — remove the address", value)
            )
    return [
        Finding(path, first_line + js.count("\n", 0, offset), problem, evidence)
        for offset, problem, evidence in sorted(found)
    ]


# --- HTML and SVG -------------------------------------------------------------


class _HtmlScan(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.findings: list[Finding] = []
        self._raw: tuple[str, int] | None = None  # inside <script> or <style>: (kind, line)

    def _add(self, problem: str, evidence: str, line: int | None = None) -> None:
        self.findings.append(Finding(self.path, line or self.getpos()[0], problem, evidence))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._raw = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        line = self.getpos()[0]
        if tag == "script":
            self._raw = ("js", line) if a.get("type", "").lower() in SCRIPT_TYPES else None
        elif tag == "style":
            self._raw = ("css", line)
        self._check_attributes(tag, a)
        for name, value in a.items():
            if name == "style":
                self.findings.extend(css_findings(self.path, value, line))
            elif name == "srcdoc":  # a whole document inside an attribute
                inner = html_findings(self.path, value)
                self.findings.extend(replace(f, line=line + f.line - 1) for f in inner)
            elif name.startswith("on"):
                self.findings.extend(js_findings(self.path, value, line))

    def _load(self, tag: str, attr: str, url: str) -> None:
        if scheme_of(url) == "javascript":
            self._add(f"<{tag} {attr}> runs a javascript: URL — remove it", url)
        elif is_other_origin(url):
            self._add(
                f"<{tag} {attr}> loads {url!r} from another origin"
                " — ship the file in the kit and link it relatively",
                url,
            )

    def _check_attributes(self, tag: str, a: Mapping[str, str]) -> None:
        for attr in LOADING_ATTRIBUTES:
            if attr in a:
                self._load(tag, attr, a[attr])
        for attr in ("srcset", "imagesrcset"):
            for candidate in a.get(attr, "").split(","):
                if candidate.strip():
                    self._load(tag, attr, candidate.split()[0])
        if tag in FRAME_ELEMENTS and "data" in a:
            self._load(tag, "data", a["data"])
        if tag == "form" and "action" in a:
            self._load(tag, "action", a["action"])
        if "formaction" in a:
            self._load(tag, "formaction", a["formaction"])
        if "ping" in a:
            self._add(
                f"<{tag} ping> reports every click to {a['ping']!r} — remove the ping attribute",
                a["ping"],
            )
        if tag == "base" and "href" in a:
            self._load(tag, "href", a["href"])
        elif tag == "link":
            self._check_link(a)
        elif tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            target = a.get("content", "").partition("=")[2].strip("'\" ")
            if target and is_other_origin(target):
                self._add(f"<meta refresh> sends the page on to {target!r} — remove it", target)
        elif tag in LINK_ELEMENTS:
            for attr in ("href", "xlink:href"):
                if attr in a:
                    for problem in link_problems(a[attr], a.get("rel", "")):
                        self._add(f"<{tag} {attr}>: {problem}", a[attr])
        else:
            for attr in ("href", "xlink:href"):
                if attr in a:
                    self._load(tag, attr, a[attr])

    def _check_link(self, a: Mapping[str, str]) -> None:
        href = a.get("href", "")
        rels = set(a.get("rel", "").lower().split())
        if rels and rels <= NON_LOADING_RELS:
            # Not fetched by the browser, but may still be followed or shared: no tracking marks.
            for problem in link_problems(href, "noreferrer noopener"):
                self._add(f"<link href>: {problem}", href)
        else:
            self._load(f"link rel={a.get('rel', '')!r}", "href", href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is None:
            return
        kind, _ = self._raw
        line = self.getpos()[0]
        scan = js_findings if kind == "js" else css_findings
        self.findings.extend(scan(self.path, data, line))


def html_findings(path: str, html: str) -> list[Finding]:
    """Find everything in an HTML or SVG document that loads, stores, reports or tracks."""
    parser = _HtmlScan(path)
    parser.feed(html)
    parser.close()
    return parser.findings


# --- the whole kit ------------------------------------------------------------


def file_findings(path: str, text: str) -> list[Finding]:
    """Scan one output file by its kind; files a browser never runs (zip, ics, md) pass."""
    lower = path.lower()
    if lower.endswith(HTML_SUFFIXES):
        return html_findings(path, text)
    if lower.endswith(CSS_SUFFIXES):
        return css_findings(path, text)
    if lower.endswith(JS_SUFFIXES):
        return js_findings(path, text)
    return []


def scan_memo(cache: Path) -> Passed:
    """Return the record of contents this scanner and its rules already found clean."""
    rules = resources.files("kitgen").joinpath("data", "tracking.toml").read_bytes()
    return Passed(cache, "scan", [Path(__file__).read_bytes(), rules])


def scan_tree(
    root: Path, digests: Mapping[str, str], passed: Passed | None = None
) -> list[Finding]:
    """Scan the given output files (path → SHA-256, relative to root), in path order.

    Contents in `passed` were scanned clean before and are skipped.
    """
    findings: list[Finding] = []
    for path, digest in sorted(digests.items()):
        if not path.lower().endswith(HTML_SUFFIXES + CSS_SUFFIXES + JS_SUFFIXES):
            continue
        if passed is not None and digest in passed:
            continue
        text = (root / path).read_bytes().decode("utf-8", errors="replace")
        found = file_findings(path, text)
        findings.extend(found)
        if passed is not None and not found:
            passed.add(digest)
    return findings
