"""The image stage: make every missing download and preview into the content-addressed cache.

Sources are spread over a process pool, one source per task, so each is decoded
once and a worker holds one decoded source at a time.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from PIL import Image

from kitgen import cachefiles, encoding, imaging
from kitgen.errors import ContentError, io_problem
from kitgen.plan import Asset, CampaignPlan, Preview
from kitgen.sources import DECODE_ERRORS, DEFAULT_MAX_PIXELS, decode_problem, pixel_limit

Advance = Callable[[int], None]
ProgressFactory = Callable[[int], AbstractContextManager[Advance]]


def cached_file(cache: Path, asset: Asset | Preview) -> Path:
    """Return where the cache keeps an asset: content-addressed by its key."""
    ext = asset.path.rpartition(".")[2]
    return cache / "images" / asset.key[:2] / f"{asset.key}.{ext}"


def _render_group(
    label: str, path: str, specs: list[imaging.RenderSpec], max_pixels: int
) -> str | None:
    """Make one source's outputs in a worker; return a problem line instead of raising."""
    try:
        with pixel_limit(max_pixels), warnings.catch_warnings():
            # Corrupt EXIF only makes Pillow warn; a bomb (the file changed since it was
            # inspected) must stop the decode.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            imaging.render_source(path, specs)
    except encoding.ImageProblem as exc:
        return f"{label}: {exc}"
    except OSError as exc:
        if exc.errno is not None:  # the disk, not the image: say which file and why
            return io_problem(exc)
        return decode_problem(label, exc)
    except DECODE_ERRORS as exc:
        return decode_problem(label, exc)
    return None


def make_images(
    plans: Sequence[CampaignPlan],
    cache: Path,
    jobs: int,
    progress: ProgressFactory | None = None,
    keep_going: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[int, dict[str, list[str]]]:
    """Make every missing asset and preview, each source decoded once.

    Return how many downloads were made (previews are page images, not counted)
    and, with keep_going, the problems of each campaign that could not be made
    (without it, any problem is raised).
    """
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
        return 0, {}
    cachefiles.remove_abandoned(cache)
    groups = [
        (
            group[0].source.label,
            str(path),
            [replace(a.spec, target=str(cached_file(cache, a))) for a in group],
            max_pixels,
        )
        # Biggest jobs first, so no worker is left with a large source while the others idle.
        for path, group in sorted(todo.items(), key=_work_first)
    ]
    problems: dict[str, str] = {}
    with progress(total) if progress else contextlib.nullcontext(lambda n: None) as advance:
        for path, count, problem in _run_groups(groups, jobs):
            advance(count)
            if problem:
                problems[path] = problem
    if problems and not keep_going:
        raise ContentError(sorted(problems.values()))
    broken: dict[str, list[str]] = {}
    for plan in plans:
        paths = {str(a.source.path) for a in plan.assets} & problems.keys()
        if paths:
            broken[plan.campaign.slug] = sorted(problems[p] for p in paths)
    made = sum(isinstance(item, Asset) for group in todo.values() for item in group)
    return made, broken


def _work_first(item: tuple[Path, list[Asset | Preview]]) -> tuple[int, Path]:
    path, group = item
    source = group[0].source
    return -source.width * source.height * len(group), path


def _run_groups(
    groups: list[tuple[str, str, list[imaging.RenderSpec], int]], jobs: int
) -> Iterator[tuple[str, int, str | None]]:
    if jobs <= 1 or len(groups) == 1:
        for group in groups:
            yield group[1], len(group[2]), _render_group(*group)
        return
    # One task per source bounds memory: a worker holds one decoded source at a time.
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_ignore_interrupts)
    try:
        futures = {pool.submit(_render_group, *g): g for g in groups}
        for future in as_completed(futures):
            group = futures[future]
            yield group[1], len(group[2]), future.result()
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop at once on Ctrl+C or a failure: drop queued sources, end running ones.

    Ending a worker mid-task is safe: it writes each cache file atomically.
    """
    with _uninterrupted():
        # No public way to end running workers before Python 3.14's terminate_workers().
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Let cleanup finish when Ctrl+C is pressed again (only the main thread owns signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _ignore_interrupts() -> None:
    """Leave Ctrl+C to the main process: a worker interrupted mid-task can hang the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
