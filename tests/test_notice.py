"""The notice is configurable but never removable."""

from __future__ import annotations

import textwrap

import pytest

from kitgen.config import NoticeNote, load_site
from kitgen.errors import ContentError

from .conftest import Workspace
from .html_tools import parse

SITE = """\
organisation = "Example Ltd"
contact = "comms@example.com"

[[notice]]
audience = "Contractors and consultants"
text = "Your contract does not cover this kit: *please ignore it*."

[[notice]]
audience = "Germany"
text = "Check the works council agreement before promoting the company."
"""


def test_kitgen_toml_notes_render_after_the_core_points(simple: Workspace) -> None:
    (simple.root / "kitgen.toml").write_text(SITE, "utf-8")
    simple.build()
    for page in ("simple/index.html", "simple/terms/index.html"):
        text = parse(simple.out / page).plain_text
        assert "This kit is offered by Example Ltd." in text
        assert "Questions: comms@example.com" in text
        core = text.index("Using these images is voluntary")
        contractors = text.index(
            "Contractors and consultants Your contract does not cover this kit"
        )
        assert core < contractors < text.index("Germany Check the works council agreement")
    html = (simple.out / "simple/index.html").read_text()
    assert "<em>please ignore it</em>" in html


def test_notice_notes_are_validated(workspace: Workspace) -> None:
    workspace.root.mkdir(parents=True)
    (workspace.root / "kitgen.toml").write_text(
        textwrap.dedent(
            """\
            [[notice]]
            audience = "Contractors"
            [[notice]]
            audience = "X"
            text = "Y"
            colour = "red"
            """
        ),
        "utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_site(workspace.root)
    assert caught.value.problems == [
        "kitgen.toml: needs both audience and text, neither empty (notice[0])",
        "kitgen.toml: unknown key 'colour' (notice[1].colour)",
    ]
    (workspace.root / "kitgen.toml").write_text('notice = "none"\n', "utf-8")
    with pytest.raises(ContentError, match=r"kitgen.toml: expected \[\[notice\]\] tables"):
        load_site(workspace.root)


def test_notes_load_in_order(workspace: Workspace) -> None:
    workspace.root.mkdir(parents=True)
    (workspace.root / "kitgen.toml").write_text(SITE, "utf-8")
    assert load_site(workspace.root).notice[1] == NoticeNote(
        "Germany", "Check the works council agreement before promoting the company."
    )


def _theme(simple: Workspace, template: str, text: str) -> None:
    folder = simple.root / "themes" / "brand" / "templates"
    folder.mkdir(parents=True)
    (folder / template).write_text(text, "utf-8")
    (simple.root / "kitgen.toml").write_text('theme = "brand"\n', "utf-8")


def test_a_campaign_template_without_the_notice_fails_naming_it(simple: Workspace) -> None:
    _theme(
        simple,
        "campaign.html",
        '{% extends "base.html" %}\n{% block main %}<h1>{{ campaign.title }}</h1>{% endblock %}\n',
    )
    with pytest.raises(ContentError) as caught:
        simple.build()
    assert caught.value.problems == [
        "simple/index.html: has no opt-in notice block — template"
        " themes/brand/templates/campaign.html must render the notice"
        ' (`{{ notice(campaign) }}` from "_macros.html"), which cannot be left out'
    ]
    assert not simple.out.exists()


def test_a_terms_template_with_a_partial_notice_fails(simple: Workspace) -> None:
    _theme(
        simple,
        "terms.html",
        '{% extends "base.html" %}\n{% block main %}'
        "<section data-kit-notice><p>{{ t.notice.voluntary }}</p></section>{% endblock %}\n",
    )
    with pytest.raises(ContentError, match="simple/terms/index.html: misses notice points"):
        simple.build()


def test_strings_cannot_empty_a_core_point(simple: Workspace) -> None:
    strings = simple.root / "themes" / "brand" / "strings"
    strings.mkdir(parents=True)
    (strings / "en.toml").write_text('[notice]\nuntracked = ""\n', "utf-8")
    (simple.root / "kitgen.toml").write_text('theme = "brand"\n', "utf-8")
    with pytest.raises(ContentError, match=r"notice.untracked must not be empty"):
        simple.build()


def test_a_page_may_word_a_point_for_elsewhere_but_not_drop_it(simple: Workspace) -> None:
    strings = simple.root / "themes" / "brand" / "strings"
    strings.mkdir(parents=True)
    (strings / "en.toml").write_text(
        '[notice]\nrevert_elsewhere = "The campaign page shows how to change back."\n', "utf-8"
    )
    points = "".join(
        f"<li>{{{{ t.notice.{k} }}}}</li>"
        for k in ("voluntary", "untracked", "personal", "non_staff", "disclosure")
    )
    terms = (
        '{% extends "base.html" %}\n{% block main %}<section data-kit-notice><ul>'
        + points
        + "<li>{{ t.notice.revert_elsewhere }}</li></ul></section>{% endblock %}\n"
    )
    _theme(simple, "terms.html", terms)
    simple.build()
    text = parse(simple.out / "simple" / "terms" / "index.html").plain_text
    assert "The campaign page shows how to change back." in text
    (simple.root / "themes" / "brand" / "templates" / "terms.html").write_text(
        terms.replace("<li>{{ t.notice.revert_elsewhere }}</li>", ""), "utf-8"
    )
    with pytest.raises(ContentError, match=r"misses notice points \('Changed your mind\?"):
        simple.build()
