from __future__ import annotations

import json
from importlib import resources

from kitgen.platforms import SLOT_KINDS, builtin_platforms

REQUIRED = {
    "linkedin", "x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "threads",
    "tiktok", "github", "slack", "microsoft-teams", "zoom", "google-account", "email-signature",
}  # fmt: skip


def test_every_required_platform_is_built_in() -> None:
    assert set(builtin_platforms()) >= REQUIRED


def test_every_slot_is_complete_and_sourced() -> None:
    raw = json.loads(resources.files("kitgen").joinpath("data/platforms.json").read_text())
    for platform in raw["platforms"]:
        for slot in platform["slots"]:
            assert slot["source"].startswith("https://"), (platform["id"], slot["slot"])
    for platform in builtin_platforms().values():
        for slot in platform.slots:
            assert slot.slot in SLOT_KINDS
            assert slot.width > 0 and slot.height > 0
            assert slot.max_bytes > 0
            assert "jpg" in slot.formats or "png" in slot.formats
            assert slot.shape in ("circle", "rounded", "rect")


def test_presets_follow_the_researched_values() -> None:
    linkedin = builtin_platforms()["linkedin"]
    cover = linkedin.slot("cover")
    assert cover is not None and (cover.width, cover.height) == (1584, 396)
    assert cover.max_bytes == 8_000_000
