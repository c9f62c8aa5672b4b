"""Orchestrate a build: config → plan → images → pages → package → publish.

Each stage is a plain function over plain data; this module only wires them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kitgen import announce, lint, package, publish, render, trust
from kitgen.config import (
    Campaign,
    SiteConfig,
    base_url_problem,
    discover_campaigns,
    load_campaign,
    load_site,
)
from kitgen.errors import ContentError, KitgenError, UsageProblem, io_problem
from kitgen.guides import builtin_guides
from kitgen.images import ProgressFactory, cached_file, make_images
from kitgen.plan import CampaignPlan, plan_campaign, upscale_warnings
from kitgen.platforms import Platform, builtin_platforms
from kitgen.sources import Source, frame_memo, frame_problem, inspect_source

log = logging.getLogger("kitgen")

CACHE_DIR = ".kitgen-cache"


@dataclass
class BuildResult:
    out: Path
    campaigns: int = 0
    images: int = 0
    processed: int = 0  # images made afresh; the rest came from the cache
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # campaign problems skipped by keep_going
    published: bool = True  # False when keep_going found problems and publishing was not asked
    seconds: float = 0.0

    def summary(self) -> str:
        """Return the one-line report a person reads after a build."""
        where = (
            f"→ {self.out}"
            if self.published
            else f"not published: {self.out} is unchanged (--publish-partial publishes the rest)"
        )
        return (
            f"built {self.campaigns} campaign{'s' * (self.campaigns != 1)}:"
            f" {self.images} images ({self.processed} new), {self.pages} pages,"
            f" {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"
            f" in {self.seconds:.2f} s {where}"
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
    with collect_warnings() as warnings:
        site = load_site(root)
        if base_url is not None:
            if base_url and (why := base_url_problem(base_url)):
                raise UsageProblem(f"--base-url: {why}")
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
        for name in names or available:
            try:
                plans.append(_plan_one(root, name, platforms, site.max_pixels))
            except ContentError as exc:
                if not keep_going:
                    raise ContentError(failed + exc.problems) from None
                failed.extend(exc.problems)
        clashes, problem = _duplicate_slugs(plans)
        if problem and not keep_going:
            raise ContentError(failed + [problem])
        if problem:
            plans = [p for p in plans if p.campaign.slug not in clashes]
            failed.append(problem)
        for message in upscale_warnings(plans):
            log.warning("%s", message)
        # Pressuring wording is a warning here; `kitgen check --strict` makes it an error.
        for finding in lint.lint_workspace(site, [p.campaign for p in plans], root):
            log.warning("%s", finding)
    return Workspace(root, site, platforms, tuple(plans), tuple(warnings), tuple(failed))


def _plan_one(
    root: Path, name: str, platforms: Mapping[str, Platform], max_pixels: int
) -> CampaignPlan:
    campaign = load_campaign(root, name, platforms)
    sources = _inspect_sources(campaign, root, max_pixels)
    return plan_campaign(campaign, platforms, sources)


def _inspect_sources(campaign: Campaign, root: Path, max_pixels: int) -> dict[Path, Source]:
    sources: dict[Path, Source] = {}
    problems: list[str] = []
    # Checking a frame reads its pixels: remember accepted ones so a no-op build decodes nothing.
    frames = frame_memo(root / CACHE_DIR)
    for artwork in campaign.artwork:
        if artwork.path not in sources:
            try:
                sources[artwork.path] = inspect_source(artwork.path, root, max_pixels)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
        source = sources.get(artwork.path)
        if source is None or "frame" not in artwork.slots or source.sha256 in frames:
            continue
        problem = frame_problem(source)
        if problem is None:
            frames.add(source.sha256)
        elif problem not in problems:
            problems.append(problem)
    if problems:
        raise ContentError(problems)
    return sources


def _duplicate_slugs(plans: Sequence[CampaignPlan]) -> tuple[set[str], str]:
    """Return the slugs that several campaign folders share, and the problem line (or "")."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for p in plans:
        by_slug[p.campaign.slug].append(p.campaign.folder.name)
    clashes = {slug for slug, folders in by_slug.items() if len(folders) > 1}
    if not clashes:
        return clashes, ""
    folders = [f for slug in sorted(clashes) for f in by_slug[slug]]
    return clashes, (
        f"campaigns/: folders {', '.join(map(repr, folders))} share one web address — rename one"
    )


# --- pages and package ---------------------------------------------------


def write_kit(
    ws: Workspace,
    cache: Path,
    tree: package.OutputTree,
    today: dt.date,
    themes: Sequence[Path],
    strings: Mapping[str, Any],
) -> int:
    """Write downloads, zips, pages, manifest and checksums into the tree; return page count."""
    for plan in ws.plans:
        for asset in plan.assets:
            tree.copy(asset.path, cached_file(cache, asset))
        # Several assets may share one preview file (see plan.plan_previews): write it once.
        for preview in {p.path: p for p in plan.previews}.values():
            tree.copy(preview.path, cached_file(cache, preview))
        entries = [(a.path.split("/", 1)[1], a.path) for a in plan.assets]
        tree.write_zip(plan.zip_path, entries)
        for platform, zip_path in plan.platform_zips.items():
            mine = [(name, path) for name, path in entries if name.startswith(f"{platform}/")]
            tree.write_zip(zip_path, mine)

    static: dict[str, str] = {}
    for name, file in render.static_files(themes).items():
        data = file.read_bytes()
        static[name] = render.hashed_name(name, data)
        tree.write(static[name], data)

    pages = _pages(ws, tree.written, today, strings)
    common = {
        "site": ws.site,
        "t": strings,
        "generator": render.GENERATOR,
        "lang": ws.site.language,
        "today": today,
    }
    env = render.make_environment(themes, compiled=cache / "templates")
    for path, html in render.render_pages(env, pages, common, static).items():
        tree.write(path, html)

    campaigns = [p.campaign for p in ws.plans]
    for path, data in announce.files(campaigns, ws.site, strings, render.GENERATOR).items():
        tree.write(path, data)

    tree.write("manifest.json", package.to_json(package.manifest(render.GENERATOR, ws.plans, tree)))
    tree.write("SHA256SUMS", package.checksums(tree))
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


def _check_output(
    ws: Workspace, tree: package.OutputTree, themes: Sequence[Path], strings: Mapping[str, Any]
) -> None:
    """Refuse to publish a kit that tracks or lacks the notice; no setting skips this."""
    campaigns = [p.campaign for p in ws.plans]
    problems = trust.check_kit(
        tree.root, tree.digests, ws.root, themes, strings, campaigns, tree.cache
    )
    if problems:
        raise ContentError(problems)


# --- the whole build -----------------------------------------------------


def build(
    root: Path,
    names: Sequence[str] = (),
    *,
    out: Path | None = None,
    base_url: str | None = None,
    jobs: int | None = None,
    keep_going: bool = False,
    publish_partial: bool = False,
    today: dt.date | None = None,
    progress: ProgressFactory | None = None,
) -> BuildResult:
    """Build the workspace's campaigns into `out` (default <root>/output), atomically.

    With keep_going, every campaign that can be built is built and the broken
    ones are listed in `failed`; the kit is then published only when
    publish_partial asks for it, because publishing would drop the broken
    campaigns from the live kit.
    """
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "output").resolve()
    today = today or dt.date.today()
    jobs = jobs or os.cpu_count() or 1
    keep_going = keep_going or publish_partial
    if not root.is_dir():  # a mistyped --root must not become a new, empty workspace
        raise UsageProblem(f"{root}: no such workspace folder")
    publish.check_target(root, out)
    try:
        with publish.exclusive(out):
            publish.tidy(out)
            ws = load_workspace(root, names, base_url=base_url, keep_going=keep_going)
            cache = root / CACHE_DIR
            with collect_warnings() as warnings:
                processed, broken = make_images(
                    ws.plans, cache, jobs, progress, keep_going, ws.site.max_pixels
                )
            if broken:
                ws = replace(
                    ws,
                    plans=tuple(p for p in ws.plans if p.campaign.slug not in broken),
                    failed=(*ws.failed, *(m for ms in broken.values() for m in ms)),
                )
            published = not ws.failed or publish_partial
            pages = _write_and_publish(ws, cache, out, today) if published else 0
    except OSError as exc:
        if exc.errno is None:
            raise  # not the disk's doing: a bug, keep the traceback
        raise KitgenError(io_problem(exc)) from None
    return BuildResult(
        out=out,
        campaigns=len(ws.plans),
        images=sum(len(p.assets) for p in ws.plans),
        processed=processed,
        pages=pages,
        warnings=[*ws.warnings, *warnings],
        failed=list(ws.failed),
        published=published,
        seconds=time.perf_counter() - started,
    )


def _write_and_publish(ws: Workspace, cache: Path, out: Path, today: dt.date) -> int:
    """Write the kit into a staging folder beside `out`, then swap it in; return page count."""
    staging = publish.staging_path(out)
    try:
        tree = package.OutputTree(staging, cache)
        tree.root.mkdir()
        themes = render.theme_dirs(ws.root, ws.site)
        strings = render.load_strings(themes, ws.site.language)
        pages = write_kit(ws, cache, tree, today, themes, strings)
        _check_output(ws, tree, themes, strings)
        publish.publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return pages


def check(root: Path, names: Sequence[str] = ()) -> Workspace:
    """Validate config and artwork headers without building anything."""
    return load_workspace(root.resolve(), names)
