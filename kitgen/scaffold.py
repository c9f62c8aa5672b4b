"""`kitgen new`: a campaign folder a person can fill in without reading the docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kitgen.config import CAMPAIGN_FILE, CAMPAIGNS_DIR
from kitgen.errors import UsageProblem
from kitgen.paths import slugify

TEMPLATE = """\
# {title}: campaign settings. Every key is explained here; delete what you do not need.
# Reference: the README's "campaign.toml" section.

title = "{title}"

# One friendly paragraph (Markdown). Say what is offered, not what people should do.
summary = "A new look for your profile picture and banner, if you would like one."

# Optional dates. Before `starts` the kit lists the campaign as upcoming; after `ends`, as ended.
starts = {starts}
ends = {ends}

# Optional: which platforms to make images for. Leave it out for every built-in platform
# (`kitgen platforms` lists them).
# platforms = ["linkedin", "x", "microsoft-teams", "zoom"]

# One [[artwork]] table per source image. Put the files in artwork/.
# slots: profile, cover, background, signature, frame (a transparent PNG overlay).
# focus: the point that must stay in view when cropping, as fractions of width and height.
# fit: "cover" (crop to fill, the default) or "contain" (whole image on a `background` colour).

# [[artwork]]
# file = "artwork/hero.jpg"
# slots = ["cover", "background"]
# focus = [0.5, 0.4]
# alt = "Describe the image for people who cannot see it"

# [[artwork]]
# file = "artwork/badge.png"
# slots = ["profile"]
# alt = "{title} badge"
"""


def new_campaign(root: Path, name: str, today: dt.date | None = None) -> Path:
    """Create campaigns/<name>/ with a commented campaign.toml and an artwork/ folder."""
    if slugify(name) != name:
        raise UsageProblem(
            f"campaign name {name!r} must be lowercase letters, digits and hyphens,"
            f" e.g. {slugify(name) or 'spring-launch'!r}"
        )
    folder = root / CAMPAIGNS_DIR / name
    if folder.exists():
        raise UsageProblem(f"{folder} already exists — choose another name")
    today = today or dt.date.today()
    title = name.replace("-", " ").title()
    (folder / "artwork").mkdir(parents=True)
    (folder / CAMPAIGN_FILE).write_text(
        TEMPLATE.format(title=title, starts=today, ends=today + dt.timedelta(days=30)),
        encoding="utf-8",
    )
    return folder
