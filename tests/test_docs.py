"""The documentation: every relative link leads to a file that exists and, with a `#fragment`, to
a heading in it; the README stays a front page (what ckpld is, how to start, where to read on)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGES = sorted(
    [
        *(ROOT / name for name in ("README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md")),
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "bench").glob("*.md"),
    ]
)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")


def _links(page: Path) -> list[str]:
    text = CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text) if not re.match(r"^[a-z]+:", target)]


def slug(heading: str) -> str:
    """A heading's anchor as the forges make it (GitHub, GitLab, Forgejo): lower case, spaces as
    hyphens, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_the_pages_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "docs/http.md", "docs/sparql.md", "bench/RESULTS.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    broken = []
    for target in _links(page):
        path, _, fragment = target.partition("#")
        found = (page.parent / path).resolve() if path else page
        if not found.exists():
            broken.append(target)
        elif fragment and found.suffix == ".md" and fragment not in _anchors(found):
            broken.append(target)
    assert broken == []


def test_the_readme_is_a_front_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 15_000
    assert "make run" in readme and "make test" in readme  # the two commands
    assert "## URL map" in readme
    for page in (ROOT / "docs").glob("*.md"):
        assert f"(docs/{page.name})" in readme, f"the README does not lead to docs/{page.name}"


def test_slugs_are_the_forges() -> None:  # the anchor rule itself
    assert slug("HTTP interface (OpenAPI)") == "http-interface-openapi"
    assert slug("Harvesting: catalogue, VoID, dumps") == "harvesting-catalogue-void-dumps"
