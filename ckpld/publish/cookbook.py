"""The query cookbook: named SPARQL queries, each with its question in Polish and English.

Each query names the dataset's base IRI in a `BASE` line, so that its relative IRIs
(`<def/ckp#>`) mean the same to any engine: Comunica over a dump, rdflib, another endpoint.
The files name the shipped base; a server with another base serves and runs them with its own
(the line is replaced, or added after the comments when a file has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ckpld.errors import SourceError

_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_BASE = re.compile(r"BASE\s*<[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Recipe:
    """One cookbook query: its name (the file's stem), its question and its text."""

    name: str
    question_pl: str
    question_en: str
    text: str

    def question(self, lang: str) -> str:
        """The question in `lang` ('pl' or 'en')."""
        return self.question_pl if lang == "pl" else self.question_en


def read_cookbook(folder: Path, base_iri: str) -> dict[str, Recipe]:
    """Every `*.rq` in `folder` whose first lines say `# pl: …` and `# en: …`, by name, with its
    `BASE` line naming `base_iri`.

    Raises:
        SourceError: a query file is unreadable, misnamed, or lacks its two questions.
    """
    if not folder.is_dir():
        return {}
    recipes = {}
    for path in sorted(folder.glob("*.rq")):
        if not _NAME.fullmatch(path.stem):
            raise SourceError(f"{path}: query names are lowercase words joined by '-'")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SourceError(f"{path}: cannot read: {err}") from err
        lines = text.splitlines()
        if len(lines) < 2 or not lines[0].startswith("# pl: ") or not lines[1].startswith("# en: "):
            raise SourceError(f"{path}: the first two lines must be '# pl: …' and '# en: …'")
        question_pl, question_en = lines[0][6:].strip(), lines[1][6:].strip()
        recipes[path.stem] = Recipe(path.stem, question_pl, question_en, _based(lines, base_iri))
    return recipes


def _based(lines: list[str], base_iri: str) -> str:
    """The query with one `BASE` line, naming `base_iri`: the first line that is a `BASE`
    declaration is rewritten; without one, it is added after the opening comments."""
    declaration = f"BASE <{base_iri}>"
    for number, line in enumerate(lines):
        if _BASE.fullmatch(line.strip()):
            return "\n".join([*lines[:number], declaration, *lines[number + 1 :]]) + "\n"
    first = next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "\n".join([*lines[:first], declaration, *lines[first:]]) + "\n"
