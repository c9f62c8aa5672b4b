"""axe-core finds no WCAG 2.2 AA violation on any page, in light or dark colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import tools
from .browser import RecordedPage
from .pages import PAGES, page_id

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary.split("\\n")[1]),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The pinned axe-core (MPL-2.0, installed from npm by scripts/test), as script text."""
    return tools.file("axe-core", tools.AXE_JS).read_text("utf-8")


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_axe_finds_no_wcag_22_aa_violations_in_light_or_dark(
    open_page_factory: Callable[..., RecordedPage], axe_source: str, nginx_kit: str, path: str
) -> None:
    recorded = open_page_factory()
    # An init script goes in through DevTools: the kit's CSP rightly blocks injected <script>s.
    recorded.context.add_init_script(axe_source)
    recorded.page.goto(nginx_kit + path)
    report = []
    for scheme in ("light", "dark"):
        recorded.page.emulate_media(color_scheme=scheme)
        violations: list[dict[str, Any]] = recorded.page.evaluate(RUN_AXE, WCAG_22_AA)
        report += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']}: {v['nodes'][:5]}"
            for v in violations
        ]
    assert report == []
