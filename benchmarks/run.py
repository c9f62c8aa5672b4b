"""Measure kitgen's image pipeline against a naive Pillow baseline and libvips, in one run.

    python -m benchmarks [--workdir DIR] [--jobs N]

Every contender makes the same outputs (kitgen's plan: each artwork × each slot
of every built-in platform) from the same generated corpus, in its own child
process, with the same number of worker processes. For each it reports wall
time, CPU time, images per second and peak memory: of the whole process tree
(proportional set size, sampled from /proc) and of the largest single process
(peak RSS from wait4).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from benchmarks import corpus, quality

DEFAULT_WORKDIR = Path(".kitgen-bench")
# Workspaces of 16-megapixel JPEGs only (folder, number of sources), where the memory target is
# set: a full build of each shows the peak, and whether it grows with the number of sources.
SUBSETS = {"kitgen-16mp": ("subset-16mp", 7), "kitgen-16mp-few": ("subset-16mp-few", 3)}


@dataclass(frozen=True)
class Job:
    source: str
    target: str
    width: int
    height: int
    box: tuple[float, float, float, float]  # upright source pixels
    fmt: str
    keep_alpha: bool
    upright: tuple[int, int]


def _jobs_from_plan(root: Path) -> list[Job]:
    """Return every image a kitgen build makes (downloads and page previews), once each."""
    from kitgen.build import load_workspace
    from kitgen.plan import Asset, Preview

    ws = load_workspace(root)
    jobs: dict[str, Job] = {}
    for plan in ws.plans:
        items: tuple[Asset | Preview, ...] = (*plan.assets, *plan.previews)
        for item in items:
            jobs[item.path] = Job(
                source=str(item.source.path),
                target=item.path.replace("/", "_"),
                width=item.width,
                height=item.height,
                box=item.spec.box,
                fmt=item.spec.format,
                keep_alpha=item.spec.keep_alpha,
                upright=(item.source.width, item.source.height),
            )
    return list(jobs.values())


# --- contenders (each runs inside a child process) -------------------------


def _kitgen(root: Path, jobs: int, fresh: bool) -> dict[str, Any]:
    from kitgen.build import CACHE_DIR, build

    if fresh:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        shutil.rmtree(root / "output", ignore_errors=True)
    result = build(root, jobs=jobs)
    # Count what was made as the baselines do: downloads and page previews, each file once.
    made = len(_jobs_from_plan(root))
    return {"seconds": result.seconds, "images": made, "processed": result.processed}


def _kitgen_focus(root: Path, jobs: int) -> dict[str, Any]:
    """Move one artwork's focus, rebuild, and count what was made again."""
    from kitgen.build import build, load_workspace

    folder = root / "campaigns" / "bench"
    corpus.write_campaign(folder, corpus.ITEMS, focus_shift=0.05)
    try:
        ws = load_workspace(root)
        first = ws.plans[0].campaign.artwork[0].file
        expected = sum(1 for a in ws.plans[0].assets if a.artwork.file == first)
        result = build(root, jobs=jobs)
    finally:
        corpus.write_campaign(folder, corpus.ITEMS)
        build(root, jobs=jobs)  # put the kit back as it was: all from the cache
    return {
        "seconds": result.seconds,
        "images": result.processed,
        "processed": result.processed,
        "expected": expected,
    }


def _inside(
    box: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Clamp a crop box to the image, as kitgen does (float rounding can step outside)."""
    return (max(0.0, box[0]), max(0.0, box[1]), min(size[0], box[2]), min(size[1], box[3]))


def _naive_one(job: Job, out: str) -> None:
    """Re-open and fully decode the source for every output, as a first script would."""
    with Image.open(job.source) as img:
        upright = ImageOps.exif_transpose(img)
        upright = upright.convert("RGBA" if job.keep_alpha else "RGB")
        box = _inside(job.box, upright.size)
        resized = upright.resize((job.width, job.height), Image.Resampling.LANCZOS, box=box)
    path = Path(out) / job.target
    if job.fmt == "PNG":
        resized.save(path, "PNG")
    elif job.fmt == "WEBP":
        resized.save(path, "WEBP", quality=75, method=4)
    else:
        resized.save(path, "JPEG", quality=90, optimize=True, progressive=True)


def _naive(root: Path, jobs: int) -> dict[str, Any]:
    plan = _jobs_from_plan(root)
    out = root / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_naive_one, plan, [str(out)] * len(plan)))
    return {"seconds": time.perf_counter() - started, "images": len(plan)}


def _vips_group(group: list[Job], out: str) -> None:
    import pyvips

    pyvips.cache_set_max(0)  # each output is its own thumbnail call: nothing to reuse
    for job in group:
        # Same crop as kitgen: shrink-on-load to the box's scale, then cut the box out.
        shrink = (job.box[2] - job.box[0]) / job.width
        w = max(job.width, round(job.upright[0] / shrink))
        h = max(job.height, round(job.upright[1] / shrink))
        img = pyvips.Image.thumbnail(job.source, w, height=h, size="force")
        left = min(max(0, round(job.box[0] / shrink)), img.width - job.width)
        top = min(max(0, round(job.box[1] / shrink)), img.height - job.height)
        _vips_save(img.crop(left, top, job.width, job.height), job, out)


def _vips_save(img: Any, job: Job, out: str) -> None:
    """Encode like kitgen does: PNG, WebP previews, or optimised progressive JPEG at 90."""
    path = str(Path(out) / job.target)
    if job.fmt == "PNG":
        img.pngsave(path, strip=True)
    elif job.fmt == "WEBP":
        img.webpsave(path, Q=75, effort=4, strip=True)
    else:
        if img.hasalpha():
            img = img.flatten(background=[255, 255, 255])
        img.jpegsave(path, Q=90, optimize_coding=True, interlace=True, strip=True)


def _vips_once_group(group: list[Job], out: str) -> None:
    """Decode once per source with libvips too: shrink-on-load, then crop and resize each output."""
    import pyvips

    pyvips.cache_set_max(0)
    source = group[0].source
    least = min((job.box[2] - job.box[0]) / job.width for job in group)
    shrink = 1
    if source.endswith(".jpg"):
        while shrink < 8 and least / (shrink * 2) >= 1.5:  # kitgen's rule for draft mode
            shrink *= 2
    img = pyvips.Image.new_from_file(source, shrink=shrink) if shrink > 1 else None
    img = img or pyvips.Image.new_from_file(source)
    img = img.autorot()
    if img.interpretation == "cmyk" or img.get_typeof("icc-profile-data"):
        img = img.icc_transform("srgb", embedded=True, input_profile="cmyk")
    img = img.copy_memory()  # decode once, here
    for job in group:
        left, top, right, bottom = (v / shrink for v in _inside(job.box, job.upright))
        width, height = right - left, bottom - top
        crop = img.crop(
            int(left),
            int(top),
            min(img.width - int(left), math.ceil(width)),
            min(img.height - int(top), math.ceil(height)),
        )
        resized = crop.resize(
            job.width / crop.width, vscale=job.height / crop.height, kernel="lanczos3"
        )
        _vips_save(resized, job, out)


def _vips_once(root: Path, jobs: int) -> dict[str, Any]:
    return _vips(root, jobs, _vips_once_group, "vips-once")


def _vips(
    root: Path, jobs: int, work: Callable[[list[Job], str], None] | None = None, name: str = "vips"
) -> dict[str, Any]:
    plan = _jobs_from_plan(root)
    out = root / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    by_source: dict[str, list[Job]] = {}
    for job in plan:
        by_source.setdefault(job.source, []).append(job)
    groups = sorted(by_source.values(), key=len, reverse=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(work or _vips_group, groups, [str(out)] * len(groups)))
    return {"seconds": time.perf_counter() - started, "images": len(plan)}


def _quality(root: Path, jobs: int) -> dict[str, Any]:
    """Compare kitgen's pixels with an exact full-size linear-light Lanczos of the same crops.

    Every RGB and greyscale source is compared, each distinct crop once. CMYK is
    resized as ink and transparency premultiplied, so those have no plain reference.
    """
    from kitgen.build import load_workspace

    ws = load_workspace(root)
    groups: dict[Path, dict[tuple[int, int, tuple[float, ...]], Any]] = {}
    for plan in ws.plans:
        for asset in plan.assets:
            crop = (asset.spec.width, asset.spec.height, asset.spec.box)
            groups.setdefault(asset.source.path, {})[crop] = asset.spec
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(_worst_psnr, groups, [list(g.values()) for g in groups.values()]))
    compared = [r for r in results if r is not None]
    worst = min(compared, default=(math.inf, ""))
    return {
        "seconds": 0.0,
        "images": len(compared),
        "psnr_min": round(worst[0], 1),
        "psnr_where": worst[1],
    }


def _worst_psnr(path: Path, specs: list[Any]) -> tuple[float, str] | None:
    """Return the lowest PSNR among one source's outputs and which it is, or None if not RGB."""
    from kitgen import colour, imaging

    with Image.open(path) as img:
        upright = ImageOps.exif_transpose(img)
        icc = img.info.get("icc_profile")
    if upright.mode not in ("RGB", "L"):
        return None
    convert = colour.to_srgb(upright.mode, icc)
    worst = (math.inf, "")
    for spec, made in zip(specs, imaging.render_images(str(path), specs), strict=True):
        box = _inside(spec.box, upright.size)
        exact = convert(quality.exact_lanczos(upright, (spec.width, spec.height), box))
        where = f"{path.name} at {spec.width}×{spec.height}"
        worst = min(worst, (quality.psnr(made, exact), where))
    return worst


CONTENDERS: dict[str, Callable[[Path, int], dict[str, Any]]] = {
    "kitgen-full": lambda root, jobs: _kitgen(root, jobs, fresh=True),
    "kitgen-noop": lambda root, jobs: _kitgen(root, jobs, fresh=False),
    "kitgen-focus": _kitgen_focus,
    "kitgen-16mp": lambda root, jobs: _kitgen(root / SUBSETS["kitgen-16mp"][0], jobs, fresh=True),
    "kitgen-16mp-few": lambda root, jobs: _kitgen(
        root / SUBSETS["kitgen-16mp-few"][0], jobs, fresh=True
    ),
    "naive": _naive,
    "vips": _vips,
    "vips-once": _vips_once,
    "quality": _quality,
}


# --- the parent: run each contender in a child, measure it ------------------


def _tree_memory(pid: int) -> int:
    """Return the proportional memory (PSS) of pid and all its descendants, in bytes.

    PSS splits pages shared between processes (a forked worker shares its parent's
    pages until it writes them), so the sum is what the tree really occupies; a sum
    of RSS would count every shared page once per worker.
    """
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def _measure(name: str, root: Path, jobs: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks", "--child", name]
    command += ["--workdir", str(root), "--jobs", str(jobs)]
    started = time.perf_counter()
    # One libvips thread per worker process: both contenders get the same cores.
    env = {**os.environ, "VIPS_CONCURRENCY": "1"}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory(child.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"benchmark step {name} failed (exit {child.returncode})")
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    cpu = usage.ru_utime + usage.ru_stime  # the child and every worker it waited for
    result.update(wall=wall, cpu=cpu, peak_tree=peak, peak_process=usage.ru_maxrss * 1024)
    return result


def _bytes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir()} if folder.is_dir() else {}


def _mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def report(results: dict[str, dict[str, Any]], root: Path, jobs: int) -> str:
    """Return the human-readable table and ratios."""
    lines = [f"corpus: {len(corpus.ITEMS)} sources ≥ 4000 px in {root}; {jobs} worker(s)", ""]
    lines.append(
        f"{'step':<14}{'wall s':>9}{'cpu s':>9}{'work s':>9}{'images':>8}{'img/s':>8}"
        f"{'tree PSS':>12}{'proc RSS':>12}"
    )
    for name, r in results.items():
        if name == "quality":
            continue
        rate = r["images"] / r["wall"] if r["wall"] else 0
        lines.append(
            f"{name:<14}{r['wall']:>9.2f}{r['cpu']:>9.2f}{r['seconds']:>9.2f}{r['images']:>8}"
            f"{rate:>8.1f}"
            f"{_mib(r['peak_tree']):>12}{_mib(r['peak_process']):>12}"
        )
    full, full_cpu = results["kitgen-full"]["wall"], results["kitgen-full"]["cpu"]
    lines.append("")
    lines.append("ratios (wall; CPU time in brackets, which a busy machine disturbs less):")
    contenders = (
        ("naive", "naive Pillow"),
        ("vips", "libvips thumbnail"),
        ("vips-once", "libvips decode-once"),
    )
    for name, label in contenders:
        if name in results:
            r = results[name]
            lines.append(
                f"  kitgen full / {label}: {full / r['wall']:.2f}× ({full_cpu / r['cpu']:.2f}×)"
            )
    if "vips" not in results:
        lines.append("libvips: not measured (pip install pyvips; needs libvips)")
    noop = results["kitgen-noop"]
    # Work against work: the wall times of both also hold starting Python and importing kitgen.
    lines.append(
        f"no-op rebuild: {noop['seconds']:.3f} s of kitgen work"
        f" ({noop['processed']} downloads made),"
        f" {noop['seconds'] / results['kitgen-full']['seconds']:.1%} of the full build's"
    )
    focus = results["kitgen-focus"]
    lines.append(
        f"focus change on one artwork: {focus['processed']} downloads made"
        f" (that artwork has {focus['expected']})"
    )
    many, few = (results[name] for name in SUBSETS)
    lines.append(
        f"peak memory on 16-megapixel JPEGs: {_mib(many['peak_tree'])} for"
        f" {SUBSETS['kitgen-16mp'][1]} sources, {_mib(few['peak_tree'])} for"
        f" {SUBSETS['kitgen-16mp-few'][1]} (whole process tree, {jobs} worker(s))"
    )
    q = results["quality"]
    lines.append(
        f"resampling: worst PSNR against an exact full-size linear-light Lanczos {q['psnr_min']} dB"
        f" ({q['psnr_where']}; {q['images']} RGB sources, every distinct crop)"
    )
    kit, vips = _bytes(root / "kit-jpegs"), _bytes(root / "vips")
    same = [n for n in kit if n.endswith(".jpg") and n in vips and "signature" not in n]
    if same:
        ratio = sum(kit[n] for n in same) / sum(vips[n] for n in same)
        lines.append(f"JPEG bytes, kitgen / libvips at quality 90 ({len(same)} files): {ratio:.3f}")
    return "\n".join(lines)


def _collect_kit_jpegs(root: Path) -> None:
    """Copy kitgen's outputs under the flat names the baselines use, to compare bytes."""
    target = root / "kit-jpegs"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for job in _jobs_from_plan(root):
        shutil.copyfile(root / "output" / job.target.replace("_", "/", 2), target / job.target)


def main(argv: list[str] | None = None) -> None:
    """Build the corpus, run every contender, print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.workdir.resolve()
    if args.child:
        print(json.dumps(CONTENDERS[args.child](root, args.jobs)))
        return
    print(f"generating the corpus in {root} (reused when present) …", flush=True)
    corpus.make_workspace(root)
    try:
        import pyvips  # noqa: F401

        have_vips = True
    except (ImportError, OSError):
        have_vips = False
        print("pyvips is not installed: the libvips reference is skipped", flush=True)
    for folder, count in SUBSETS.values():
        corpus.make_subset(root, folder, count)
    steps = ["kitgen-full", "kitgen-noop", "kitgen-focus", *SUBSETS, "naive", "quality"]
    steps += ["vips", "vips-once"] if have_vips else []
    results = {}
    for name in steps:
        print(f"running {name} …", flush=True)
        results[name] = _measure(name, root, args.jobs)
        print(f"  {results[name]['wall']:.2f} s wall", flush=True)
    _collect_kit_jpegs(root)
    print()
    print(report(results, root, args.jobs))
