"""The command line: option wiring only; each command calls one plain function."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from kitgen import __version__
from kitgen.build import build, check
from kitgen.errors import ContentError, KitgenError, UsageProblem
from kitgen.images import Advance
from kitgen.platforms import builtin_platforms, presets_as_json
from kitgen.scaffold import new_campaign

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The workspace folder (holds campaigns/ and kitgen.toml).",
)


def _interactive() -> bool:
    """Bars and colour only for a person at a terminal, never in CI or a pipe."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class _WarningPrinter(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.secho(f"warning: {record.getMessage()}", err=True, fg="yellow", color=_interactive())


def _setup_logging() -> None:
    logger = logging.getLogger("kitgen")
    if not any(isinstance(h, _WarningPrinter) for h in logger.handlers):
        logger.addHandler(_WarningPrinter(logging.WARNING))
    logger.setLevel(logging.INFO)
    logger.propagate = False


@contextlib.contextmanager
def _progress_bar(total: int) -> Iterator[Advance]:
    if not _interactive():
        yield lambda n: None
        return
    with click.progressbar(length=total, label="images", file=sys.stderr) as bar:
        yield bar.update


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kitgen")
def main() -> None:
    """Turn campaign artwork into a self-service, tracking-free intranet kit."""
    _setup_logging()


@main.command("new")
@click.argument("name")
@root_option
def new_command(name: str, root: Path) -> None:
    """Scaffold campaigns/NAME with a commented campaign.toml."""
    folder = new_campaign(root, name)
    click.echo(f"created {folder} — add artwork to {folder / 'artwork'} and edit campaign.toml")


@main.command("build")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the kit goes. [default: <root>/output]",
)
@click.option(
    "--base-url", help="Absolute address the kit will be served from (for announcements)."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Parallel image workers. [default: all cores]"
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="Build every campaign that can be built, report the broken ones, exit 1;"
    " the output folder is left as it was.",
)
@click.option(
    "--publish-partial",
    is_flag=True,
    help="With errors, still publish the campaigns that built (implies --keep-going);"
    " the broken ones disappear from the kit.",
)
def build_command(
    names: tuple[str, ...],
    root: Path,
    out: Path | None,
    base_url: str | None,
    jobs: int | None,
    keep_going: bool,
    publish_partial: bool,
) -> None:
    """Build all (or the named) campaigns into the output folder.

    The kit is written beside the output folder and swapped in whole, so a failed
    or interrupted build leaves the previous kit exactly as it was. Only one build
    per output folder runs at a time.
    """
    result = build(
        root,
        names,
        out=out,
        base_url=base_url,
        jobs=jobs,
        keep_going=keep_going,
        publish_partial=publish_partial,
        progress=_progress_bar,
    )
    click.echo(result.summary())
    if result.failed:
        raise ContentError(result.failed)


@main.command("check")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@root_option
@click.option(
    "--strict",
    is_flag=True,
    help="Treat every warning (pressuring wording, enlarged artwork) as an error: exit 1.",
)
def check_command(names: tuple[str, ...], root: Path, strict: bool) -> None:
    """Validate config, artwork and wording; build nothing."""
    ws = check(root, names)
    images = sum(len(p.assets) for p in ws.plans)
    count = f"{len(ws.warnings)} warning{'s' * (len(ws.warnings) != 1)}"
    click.echo(
        f"checked {len(ws.plans)} campaign{'s' * (len(ws.plans) != 1)}: {images} images planned,"
        f" {count}"
    )
    if strict and ws.warnings:
        raise KitgenError(f"{count} above, and --strict treats warnings as errors")


@main.command("serve")
@root_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default keeps the preview on this computer.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
def serve_command(root: Path, port: int, host: str, open_browser: bool) -> None:
    """Build a private preview, serve it, and rebuild and reload it on every edit.

    The preview is built in .kitgen-preview/; output/ is never touched.
    """
    # Imported here: the other commands never need the watcher or the web server.
    from kitgen import serve

    if not root.is_dir():
        raise UsageProblem(f"{root}: no such folder — pass the workspace with --root")
    root = root.resolve()

    def build_preview(folder: Path) -> int:
        return build(root, out=folder, progress=_progress_bar).processed

    serve.serve(root, build_preview, host=host, port=port, open_browser=open_browser)


@main.command("platforms")
@click.option("--json", "as_json", is_flag=True, help="Print the presets as JSON.")
def platforms_command(as_json: bool) -> None:
    """List the built-in platform presets."""
    if as_json:
        click.echo(json.dumps(presets_as_json(), indent=2))
        return
    for platform in builtin_platforms().values():
        click.echo(f"{platform.id:<16} {platform.name}")
        for s in platform.slots:
            limit = f"≤ {s.max_bytes / 1_000_000:g} MB"
            click.echo(
                f"  {s.slot:<11} {s.width}×{s.height:<6}"
                f" {'/'.join(s.formats):<16} {s.shape:<8} {limit}"
            )
