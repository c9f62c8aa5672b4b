"""Property tests: random campaign.toml and random names never crash and never escape output/."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from kitgen.build import build
from kitgen.errors import KitgenError
from kitgen.paths import slugify

from .conftest import TODAY, write_image

# Few examples each: these run whole builds, and the suite must stay fast.
BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAFE_OUTPUT_PATH = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$", re.IGNORECASE)


def toml_value(value: Any) -> str:
    """Write a Python value as TOML (inline tables and arrays only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)  # 'inf', '-inf' and '1e+16' are all TOML
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(value)


def toml_document(table: dict[str, Any]) -> str:
    return "".join(
        f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}\n" for k, v in table.items()
    )


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def mostly(plausible: st.SearchStrategy[Any], otherwise: st.SearchStrategy[Any]) -> Any:
    """Draw from `plausible` nine times in ten, else from `otherwise`."""
    return st.integers(0, 9).flatmap(lambda roll: otherwise if roll == 0 else plausible)


def field(plausible: st.SearchStrategy[Any]) -> Any:
    """Mostly plausible values, now and then anything at all."""
    return mostly(plausible, anything)


SLOTS = ["profile", "cover", "background", "frame", "signature"]
good_artwork = st.fixed_dictionaries(
    {
        "file": field(st.sampled_from(["hero.png", "./hero.png", "sub/../hero.png"])),
        "slots": field(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=3)),
        "alt": field(st.sampled_from(["A badge", "<b>A</b> & co"])),
    },
    optional={
        "focus": field(st.lists(st.floats(0, 1), min_size=2, max_size=2)),
        "fit": field(st.sampled_from(["cover", "contain"])),
        "background": field(st.sampled_from(["#ff00aa", "#000000"])),
    },
)
bad_artwork = st.dictionaries(
    st.sampled_from(["file", "slots", "alt", "focus", "fit", "background", "bogus"]),
    st.one_of(
        anything,
        st.sampled_from(["../hero.png", "/etc/hostname", "missing.png", "hero.png/", "nope"]),
        st.lists(st.sampled_from([*SLOTS, "nope"])),
        st.lists(st.floats(min_value=-1, max_value=2), max_size=3),
    ),
    max_size=7,
)
campaign_toml = st.fixed_dictionaries(
    {"title": field(st.sampled_from(["Spring", "<b>x</b>", " x "]))},
    optional={
        "summary": field(st.text(max_size=40)),
        "starts": field(st.dates(dt.date(2026, 1, 1), dt.date(2026, 11, 1))),
        "ends": field(st.dates(dt.date(2026, 11, 1), dt.date(2027, 12, 31))),
        "platforms": field(st.lists(st.sampled_from(["zoom", "slack", "x"]), max_size=2)),
        "artwork": st.lists(mostly(good_artwork, bad_artwork), max_size=2),
    },
).flatmap(lambda table: mostly(st.just(table), st.just({**table, "extra": 1})))


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("props")
    folder = root / "campaigns" / "c"
    write_image(folder / "hero.png", (1000, 1000))
    return root


@BOUNDED
@given(table=campaign_toml)
def test_any_campaign_toml_gives_a_clean_error_or_a_valid_build(
    playground: Path, table: dict[str, Any]
) -> None:
    (playground / "campaigns" / "c" / "campaign.toml").write_text(
        toml_document(table), encoding="utf-8"
    )
    try:
        result = build(playground, out=playground / "output", today=TODAY, jobs=1)
    except KitgenError as exc:
        assert "Traceback" not in exc.format_message()
        event("refused")
        return
    event("built")
    assert result.campaigns == 1
    assert_contained(playground / "output")


# Names a file system accepts: no slash or NUL, not `.`/`..`, at most 200 bytes of UTF-8.
names = st.text(
    st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]), min_size=1
).filter(lambda n: n not in (".", "..") and len(n.encode("utf-8")) <= 200)


@pytest.fixture(scope="module")
def names_playground(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names")
    write_image(root / "source.png", (900, 900))
    return root


@BOUNDED
@given(folder=names, file=names)
def test_any_folder_and_file_name_stays_inside_the_output(
    names_playground: Path, folder: str, file: str
) -> None:
    root = names_playground
    shutil.rmtree(root / "campaigns", ignore_errors=True)
    campaign = root / "campaigns" / folder
    campaign.mkdir(parents=True)
    shutil.copyfile(root / "source.png", campaign / f"{file[:190]}.png")
    (campaign / "campaign.toml").write_text(
        'title = "T"\nplatforms = ["slack"]\n[[artwork]]\n'
        f'file = {json.dumps(file[:190] + ".png")}\nslots = ["profile"]\nalt = "A"\n',
        encoding="utf-8",
    )
    try:
        build(root, out=root / "output", today=TODAY, jobs=1)
    except KitgenError:
        event("refused")
        return  # e.g. a name with no letters, or with control characters: a clean refusal
    event("built")
    assert_contained(root / "output")


def assert_contained(out: Path) -> None:
    """Every file is inside out, and every manifest path and zip entry is a safe name."""
    real = out.resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(real)
        assert not path.is_symlink()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for campaign in manifest["campaigns"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", campaign["slug"])
        for entry in [campaign["page"], campaign["zip"], *(a["path"] for a in campaign["assets"])]:
            assert SAFE_OUTPUT_PATH.match(entry), entry
            assert (out / entry).is_file()
        with zipfile.ZipFile(out / campaign["zip"]) as archive:
            for name in archive.namelist():
                assert SAFE_OUTPUT_PATH.match(name), name


@given(st.text())
def test_slugs_are_lowercase_ascii_words_joined_by_hyphens(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


def _sample(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(buf, fmt)
    return buf.getvalue()


SAMPLES = {fmt: _sample(fmt) for fmt in ("PNG", "JPEG", "GIF", "TIFF", "WEBP")}


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A real image with some bytes overwritten, and maybe cut short."""
    data = bytearray(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))])


@BOUNDED
@given(data=damaged())
def test_damaged_images_give_a_clean_error_or_a_valid_build(playground: Path, data: bytes) -> None:
    folder = playground / "campaigns" / "c"
    (folder / "damaged.png").write_bytes(data)
    (folder / "campaign.toml").write_text(
        'title = "T"\nplatforms = ["slack"]\n'
        '[[artwork]]\nfile = "damaged.png"\nslots = ["profile"]\nalt = "A"\n'
    )
    try:
        build(playground, out=playground / "output", today=TODAY, jobs=1)
    except KitgenError as exc:
        (line,) = exc.format_message().splitlines()
        assert line.startswith("campaigns/c/damaged.png: ") and " — " in line, line
        event("refused")
        return
    event("built")
    assert_contained(playground / "output")
