"""The query cookbook: named SPARQL queries, each with its question in Polish and English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ckpld.errors import SourceError

_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


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


def read_cookbook(folder: Path) -> dict[str, Recipe]:
    """Every `*.rq` in `folder` whose first lines say `# pl: …` and `# en: …`, by name.

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
        recipes[path.stem] = Recipe(path.stem, lines[0][6:].strip(), lines[1][6:].strip(), text)
    return recipes
