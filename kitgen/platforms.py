"""Built-in platform presets, loaded from data/platforms.json into frozen dataclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SLOT_KINDS = ("profile", "cover", "background", "signature", "frame")
# Frames are made at each platform's profile size: they are overlays for a profile photo.
FRAME_SOURCE_SLOT = "profile"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Slot:
    slot: str
    label: str
    width: int
    height: int
    max_bytes: int
    formats: tuple[str, ...]
    shape: str
    safe_area: Rect | None
    source: str
    # Where the platform lays something over the image (e.g. the profile picture on a banner).
    keep_out: tuple[Rect, ...] = ()


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    slots: tuple[Slot, ...]

    def slot(self, kind: str) -> Slot | None:
        """Return the slot of this kind, or None when the platform has none."""
        return next((s for s in self.slots if s.slot == kind), None)


def _rect(raw: dict[str, int] | None) -> Rect | None:
    return Rect(**raw) if raw else None


def _slot(raw: dict[str, Any], default_max_bytes: int) -> Slot:
    return Slot(
        slot=raw["slot"],
        label=raw.get("label") or raw["slot"],
        width=raw["width"],
        height=raw["height"],
        max_bytes=raw["max_bytes"] or default_max_bytes,
        formats=tuple(raw["formats"]),
        shape=raw["shape"],
        safe_area=_rect(raw.get("safe_area")),
        source=raw.get("source") or "",
        keep_out=tuple(Rect(**r) for r in raw.get("keep_out") or ()),
    )


@cache
def builtin_platforms() -> dict[str, Platform]:
    """Return the built-in presets by id, in the data file's order."""
    text = resources.files("kitgen").joinpath("data/platforms.json").read_text("utf-8")
    doc = json.loads(text)
    default_max = doc["default_max_bytes"]
    return {
        p["id"]: Platform(
            id=p["id"],
            name=p["name"],
            slots=tuple(_slot(s, default_max) for s in p["slots"]),
        )
        for p in doc["platforms"]
    }


def presets_as_json() -> list[dict[str, Any]]:
    """Describe the presets in the shape `kitgen platforms --json` promises."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "slots": [
                {
                    "slot": s.slot,
                    "width": s.width,
                    "height": s.height,
                    "max_bytes": s.max_bytes,
                    "formats": list(s.formats),
                    "shape": s.shape,
                }
                for s in p.slots
            ],
        }
        for p in builtin_platforms().values()
    ]
