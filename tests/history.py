"""A repository with a history of three releases, built by the tests from the shipped data.

1. `2024.01.10`: the shipped data.
2. `2025.03.01`: a new organisation, "Test Partner" (its IRI `id/organization/test-partner`).
3. `2026.06.15`: Centrum Kultury Travno renamed, and CKP's partnership with it ended in 2025.

Each step edits the data, records its data version in the release record with that date, and is
committed, as CKP's staff would after `ckpld build`. The data is not validated (the edits add
facts no page states, which the shapes rightly refuse); the archive's mechanics do not depend on
it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ckpld.config import Settings
from ckpld.publish import record
from ckpld.publish.publication import publish

ROOT = Path(__file__).resolve().parent.parent
DATES = (
    datetime(2024, 1, 10, 9, 30, tzinfo=UTC),
    datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    datetime(2026, 6, 15, 8, 45, tzinfo=UTC),
)
NAMES = ("2024.01.10", "2025.03.01", "2026.06.15")
ADDED = "id/organization/test-partner"
RENAMED = "id/organization/centrum-kultury-travno"
ENDED = "id/partnership/centrum-kultury-travno"

_NEW_PARTNER = """
organization:test-partner a org:Organization , schema:Organization ;
    schema:name "Test Partner"@pl .
"""


def _edit(page: Path, step: int) -> None:
    text = page.read_text(encoding="utf-8")
    if step == 1:
        text += _NEW_PARTNER
    elif step == 2:
        text = text.replace(
            'schema:name "Centrum Kultury Travno"@pl ;',
            'schema:name "Centrum Kultury Travno w Zagrzebiu"@pl ;',
        )
        text = text.replace(
            '    schema:startDate "2019"^^xsd:gYear ;\n'
            "    prov:wasDerivedFrom quote:new-partners-2019 , quote:centrum-kultury-travno ,",
            '    schema:startDate "2019"^^xsd:gYear ;\n    schema:endDate "2025"^^xsd:gYear ;\n'
            "    prov:wasDerivedFrom quote:new-partners-2019 , quote:centrum-kultury-travno ,",
        )
    page.write_text(text, encoding="utf-8")


def _git(folder: Path, *args: str) -> None:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "ckpld tests",
        "GIT_AUTHOR_EMAIL": "tests@example.org",
        "GIT_COMMITTER_NAME": "ckpld tests",
        "GIT_COMMITTER_EMAIL": "tests@example.org",
    }
    subprocess.run(
        ["git", "-C", str(folder), *args], check=True, env=environment, capture_output=True
    )


def make_history(folder: Path, settings: Settings) -> Settings:
    """A git repository in `folder` with three releases of edited data, and settings that
    publish it (its archive in `folder/releases`, empty)."""
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("releases.json"))
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    own = replace(
        settings,
        data_dir=folder / "data",
        source_dir=folder / "data" / "source",
        ontology_dir=folder / "ontology",
        shapes=folder / "ontology" / "shapes.ttl",
        dumps_dir=folder / "dumps",
        releases_dir=folder / "releases",
        cache_dir=folder / "cache",
        validate_on_start=False,
        issued="",
        modified="",
    )
    _git(folder, "init", "-q", "-b", "main")
    for step, moment in enumerate(DATES):
        _edit(folder / "data" / "page.ttl", step)
        pub = publish(own)
        pub.store.close()
        record.add(folder / "data" / record.RECORD_FILE, pub.version, moment)
        _git(folder, "add", "data", "ontology")
        _git(folder, "commit", "-q", "-m", f"release {NAMES[step]}")
    return own


def environment(settings: Settings) -> dict[str, str]:
    """The settings of a history (`make_history`) as a command or server run by hand gets them."""
    names = ("data_dir", "source_dir", "ontology_dir", "shapes", "dumps_dir", "releases_dir")
    found = {f"CKPLD_{n.upper()}": str(getattr(settings, n)) for n in names}
    return {**found, "CKPLD_CACHE_DIR": str(settings.cache_dir), "CKPLD_VALIDATE_ON_START": "false"}
