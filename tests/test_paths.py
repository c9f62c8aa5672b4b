"""Links between pages and files of the kit."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from kitgen.paths import href

PART = st.sampled_from(["spring", "autumn", "terms", "linkedin", "assets", "a.jpg", "index.html"])


@given(
    target=st.lists(PART, min_size=1, max_size=4).map("/".join),
    page_dir=st.lists(PART, max_size=3).map("/".join),
)
def test_href_is_the_relative_path_from_the_page(target: str, page_dir: str) -> None:
    link = href(target, page_dir)
    assert not link.startswith("/") and "./" not in link.replace("../", "")
    assert posixpath.normpath(posixpath.join(page_dir, link)) == target


def test_href_examples() -> None:
    assert href("spring/linkedin/a.jpg", "spring") == "linkedin/a.jpg"
    assert href("assets/kit.css", "spring/terms") == "../../assets/kit.css"
    assert href("spring/index.html", "") == "spring/index.html"
    assert href("spring/index.html", "autumn") == "../spring/index.html"
