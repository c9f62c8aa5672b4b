"""Orchestrate a build: config → plan → images → pages → package → publish.

Each stage is a plain function over plain data; this module only wires them.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import logging
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from kitgen import announce, imaging, lint, package, render, trust
from kitgen.config import (
    Campaign,
    SiteConfig,
    discover_campaigns,
    load_campaign,
    load_site,
)
from kitgen.errors import ContentError, UsageProblem
from kitgen.guides import builtin_guides
from kitgen.plan import (
    Asset,
    CampaignPlan,
    Preview,
    Source,
    inspect_source,
    plan_campaign,
    upscale_warnings,
)
from kitgen.platforms import Platform, builtin_platforms

log = logging.getLogger("kitgen")

CACHE_DIR = ".kitgen-cache"
Advance = Callable[[int], None]
ProgressFactory = Callable[[int], AbstractContextManager[Advance]]


@dataclass
class BuildResult:
    out: Path
    campaigns: int = 0
    images: int = 0
    processed: int = 0  # images made afresh; the rest came from the cache
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # campaign problems skipped by keep_going
    seconds: float = 0.0

    def summary(self) -> str:
        """Return the one-line report a person reads after a build."""
        return (
            f"built {self.campaigns} campaign{'s' * (self.campaigns != 1)}:"
            f" {self.images} images ({self.processed} new), {self.pages} pages,"
            f" {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"
            f" in {self.seconds:.2f} s → {self.out}"
        )


@dataclass(frozen=True)
class Workspace:
    """Everything loaded and checked from a workspace, before any image is made."""

    root: Path
    site: SiteConfig
    platforms: Mapping[str, Platform]
    plans: tuple[CampaignPlan, ...]
    warnings: tuple[str, ...]
    failed: tuple[str, ...]


class _Collect(logging.Handler):
    """Keep every warning logged during a build, so the summary can count and list them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Collect the kitgen logger's warnings for the duration of the block."""
    handler = _Collect()
    log.addHandler(handler)
    try:
        yield handler.messages
    finally:
        log.removeHandler(handler)


def load_workspace(
    root: Path,
    names: Sequence[str] = (),
    *,
    base_url: str | None = None,
    keep_going: bool = False,
) -> Workspace:
    """Load config, inspect every source and plan every output; raise on content errors."""
    site = load_site(root)
    if base_url is not None:
        site = replace(site, base_url=base_url)
    platforms = builtin_platforms()
    available = discover_campaigns(root)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise UsageProblem(
            f"no campaign {', '.join(map(repr, unknown))} in {root / 'campaigns'}"
            f" (found: {', '.join(available) or 'none'})"
        )
    plans: list[CampaignPlan] = []
    failed: list[str] = []
    with collect_warnings() as warnings:
        for name in names or available:
            try:
                plans.append(_plan_one(root, name, platforms))
            except ContentError as exc:
                if not keep_going:
                    raise ContentError(failed + exc.problems) from None
                failed.extend(exc.problems)
        _refuse_duplicate_slugs(plans)
        for message in upscale_warnings(plans):
            log.warning("%s", message)
        # Pressuring wording is a warning here; `kitgen check --strict` makes it an error.
        for finding in lint.lint_workspace(site, [p.campaign for p in plans], root):
            log.warning("%s", finding)
    return Workspace(root, site, platforms, tuple(plans), tuple(warnings), tuple(failed))


def _plan_one(root: Path, name: str, platforms: Mapping[str, Platform]) -> CampaignPlan:
    campaign = load_campaign(root, name, platforms)
    sources = _inspect_sources(campaign, root)
    return plan_campaign(campaign, platforms, sources)


def _inspect_sources(campaign: Campaign, root: Path) -> dict[Path, Source]:
    sources: dict[Path, Source] = {}
    problems: list[str] = []
    for artwork in campaign.artwork:
        if artwork.path in sources:
            continue
        try:
            sources[artwork.path] = inspect_source(artwork.path, root)
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return sources


def _refuse_duplicate_slugs(plans: Sequence[CampaignPlan]) -> None:
    by_slug: dict[str, list[str]] = defaultdict(list)
    for p in plans:
        by_slug[p.campaign.slug].append(p.campaign.folder.name)
    clashes = [f for folders in by_slug.values() if len(folders) > 1 for f in folders]
    if clashes:
        raise ContentError(
            [
                f"campaigns/: folders {', '.join(map(repr, clashes))} share one web address"
                " — rename one"
            ]
        )


# --- images --------------------------------------------------------------


def cached_file(cache: Path, asset: Asset | Preview) -> Path:
    """Return where the cache keeps an asset: content-addressed by its key."""
    ext = asset.path.rpartition(".")[2]
    return cache / "images" / asset.key[:2] / f"{asset.key}.{ext}"


def _render_group(label: str, path: str, specs: list[imaging.RenderSpec]) -> str | None:
    """Make one source's outputs in a worker; return a problem line instead of raising."""
    try:
        imaging.render_source(path, specs)
    except imaging.ImageProblem as exc:
        return f"{label}: {exc}"
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return f"{label}: cannot decode the image ({exc}) — export it again as PNG or JPEG"
    return None


def make_images(
    plans: Sequence[CampaignPlan],
    cache: Path,
    jobs: int,
    progress: ProgressFactory | None = None,
) -> int:
    """Make every missing asset and preview, each source decoded once; count new downloads."""
    todo: dict[Path, list[Asset | Preview]] = defaultdict(list)
    seen: set[str] = set()
    for plan in plans:
        items: list[Asset | Preview] = [*plan.assets, *plan.previews]
        for asset in items:
            if asset.key in seen or cached_file(cache, asset).is_file():
                continue
            seen.add(asset.key)
            todo[asset.source.path].append(asset)
    total = sum(len(group) for group in todo.values())
    if not total:
        return 0
    groups = [
        (
            group[0].source.label,
            str(path),
            [replace(a.spec, target=str(cached_file(cache, a))) for a in group],
        )
        for path, group in sorted(todo.items())
    ]
    problems: list[str] = []
    with progress(total) if progress else contextlib.nullcontext(lambda n: None) as advance:
        for count, problem in _run_groups(groups, jobs):
            advance(count)
            if problem:
                problems.append(problem)
    if problems:
        raise ContentError(sorted(problems))
    # Count downloads only: previews are page images, not what the summary's "images" means.
    return sum(isinstance(item, Asset) for group in todo.values() for item in group)


def _run_groups(
    groups: list[tuple[str, str, list[imaging.RenderSpec]]], jobs: int
) -> Iterator[tuple[int, str | None]]:
    if jobs <= 1 or len(groups) == 1:
        for label, path, specs in groups:
            yield len(specs), _render_group(label, path, specs)
        return
    # One task per source bounds memory: a worker holds one decoded source at a time.
    with ProcessPoolExecutor(max_workers=min(jobs, len(groups))) as pool:
        futures = {pool.submit(_render_group, *g): len(g[2]) for g in groups}
        for future in as_completed(futures):
            yield futures[future], future.result()


# --- pages and package ---------------------------------------------------


def write_kit(ws: Workspace, cache: Path, tree: package.OutputTree, today: dt.date) -> int:
    """Write downloads, zips, pages, manifest and checksums into the tree; return page count."""
    for plan in ws.plans:
        for asset in plan.assets:
            tree.copy(asset.path, cached_file(cache, asset))
        # Several assets may share one preview file (see plan.plan_previews): write it once.
        for preview in {p.path: p for p in plan.previews}.values():
            tree.copy(preview.path, cached_file(cache, preview))
        entries = [(a.path.split("/", 1)[1], tree.root / a.path) for a in plan.assets]
        tree.write(plan.zip_path, package.make_zip(entries))
        for platform in dict.fromkeys(a.platform for a in plan.assets):
            mine = [(name, path) for name, path in entries if name.startswith(f"{platform}/")]
            tree.write(plan.platform_zip_path(platform), package.make_zip(mine))

    themes = render.theme_dirs(ws.root, ws.site)
    static: dict[str, str] = {}
    for name, file in render.static_files(themes).items():
        data = file.read_bytes()
        static[name] = render.hashed_name(name, data)
        tree.write(static[name], data)

    strings = render.load_strings(themes, ws.site.language)
    pages = _pages(ws, tree.written, today, strings)
    common = {
        "site": ws.site,
        "t": strings,
        "generator": render.GENERATOR,
        "lang": ws.site.language,
        "today": today,
    }
    env = render.make_environment(themes)
    for path, html in render.render_pages(env, pages, common, static).items():
        tree.write(path, html)

    campaigns = [p.campaign for p in ws.plans]
    for path, data in announce.files(campaigns, ws.site, strings, render.GENERATOR).items():
        tree.write(path, data)

    tree.write(
        "manifest.json", package.to_json(package.manifest(render.GENERATOR, ws.plans, tree.root))
    )
    tree.write("SHA256SUMS", package.checksums(tree.root, list(tree.written)))
    return len(pages)


def _pages(
    ws: Workspace, sizes: Mapping[str, int], today: dt.date, strings: Mapping[str, Any]
) -> list[render.Page]:
    guides = builtin_guides(ws.site.language)
    slot_names = strings.get("campaign", {}).get("slots", {})

    def view(plan: CampaignPlan, page_dir: str) -> render.CampaignView:
        return render.campaign_view(
            plan, ws.platforms, sizes, today, page_dir, guides=guides, slot_names=slot_names
        )

    views = {
        p.campaign.slug: (
            view(p, ""),
            view(p, p.campaign.slug),
            view(p, f"{p.campaign.slug}/terms"),
        )
        for p in ws.plans
    }
    groups: dict[str, list[render.CampaignView]] = {"current": [], "upcoming": [], "ended": []}
    for top, _, _ in views.values():
        groups[top.status].append(top)
    pages = [render.Page("index.html", "index.html", {"groups": groups})]
    for slug, (_, page, terms) in views.items():
        pages.append(render.Page(f"{slug}/index.html", "campaign.html", {"campaign": page}))
        pages.append(render.Page(f"{slug}/terms/index.html", "terms.html", {"campaign": terms}))
    return pages


def _check_output(ws: Workspace, tree: package.OutputTree) -> None:
    """Refuse to publish a kit that tracks or lacks the notice; no setting skips this."""
    themes = render.theme_dirs(ws.root, ws.site)
    strings = render.load_strings(themes, ws.site.language)
    campaigns = [p.campaign for p in ws.plans]
    problems = trust.check_kit(tree.root, list(tree.written), ws.root, themes, strings, campaigns)
    if problems:
        raise ContentError(problems)


# --- publishing ----------------------------------------------------------


def publish(staging: Path, out: Path) -> None:
    """Put the staging folder in place of `out` in one step, then remove the old output."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _remove_leftovers(out: Path) -> None:
    """Remove staging folders left behind by killed builds."""
    for leftover in out.parent.glob(f".{out.name}.tmp-*"):
        pid = leftover.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the whole build -----------------------------------------------------


def build(
    root: Path,
    names: Sequence[str] = (),
    *,
    out: Path | None = None,
    base_url: str | None = None,
    jobs: int | None = None,
    keep_going: bool = False,
    today: dt.date | None = None,
    progress: ProgressFactory | None = None,
) -> BuildResult:
    """Build the workspace's campaigns into `out` (default <root>/output), atomically."""
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "output").resolve()
    today = today or dt.date.today()
    jobs = jobs or os.cpu_count() or 1

    ws = load_workspace(root, names, base_url=base_url, keep_going=keep_going)
    cache = root / CACHE_DIR
    with collect_warnings() as warnings:
        processed = make_images(ws.plans, cache, jobs, progress)

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        tree = package.OutputTree(staging)
        tree.root.mkdir()
        pages = write_kit(ws, cache, tree, today)
        _check_output(ws, tree)
        publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(
        out=out,
        campaigns=len(ws.plans),
        images=sum(len(p.assets) for p in ws.plans),
        processed=processed,
        pages=pages,
        warnings=[*ws.warnings, *warnings],
        failed=list(ws.failed),
        seconds=time.perf_counter() - started,
    )


def check(root: Path, names: Sequence[str] = ()) -> Workspace:
    """Validate config and artwork headers without building anything."""
    return load_workspace(root.resolve(), names)
