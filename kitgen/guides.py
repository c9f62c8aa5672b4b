"""Per-platform guides: how the kit previews a platform and how to change the picture (back)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# The preview layouts the default theme knows; a guide naming another is a data error.
LAYOUTS = ("profile-card", "banner-strip", "avatar", "call", "signature")


@dataclass(frozen=True)
class HelpLink:
    url: str
    label: str


@dataclass(frozen=True)
class Guide:
    platform: str
    layout: str
    lang: str  # the language the texts are in: the page's, or English where missing
    name: str  # as employees know the platform; "" to use the preset's name
    change: tuple[str, ...]
    revert: tuple[str, ...]
    note: str
    help: tuple[HelpLink, ...]


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("kitgen").joinpath("data/guides.toml").read_text("utf-8")
    return tomllib.loads(text)


def builtin_guides(language: str) -> dict[str, Guide]:
    """Return every platform's guide in the language, English where it has no translation."""
    guides = {}
    for platform, raw in _raw().items():
        lang = language if language in raw else "en"
        texts = raw[lang]
        guides[platform] = Guide(
            platform=platform,
            layout=raw["layout"],
            lang=lang,
            name=texts.get("name", ""),
            change=tuple(texts["change"]),
            revert=tuple(texts["revert"]),
            note=texts.get("note", ""),
            help=tuple(
                HelpLink(url, label)
                for url, label in zip(raw["help"], texts["help_labels"], strict=True)
            ),
        )
    return guides
