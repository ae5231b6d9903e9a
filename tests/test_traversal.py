"""No file outside the served folders is readable, however its path is spelled (exhaustive).

Every route that sends files (/static/, /assets/yasgui/, /source/, /queries/, /dumps/) and /def/
is asked for pyproject.toml, README.md, the Makefile, ckpld/web/app.py, /etc/passwd and the files
next to its folder, through every spelling in tests.hostile.traversals, with the path given to
the application as sent and percent-decoded once (as gunicorn does). Each answer must be a 400,
404 or 405 with a message, and hold no line of any of those files. Over real HTTP:
tests/e2e/test_traversal_live.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from ckpld.config import Settings
from ckpld.publish.dumps import current
from ckpld.web.app import create_app
from tests.conftest import ROOT
from tests.hostile import (
    FOLDERS,
    SECRETS,
    Answer,
    assert_sound,
    call,
    leaked,
    served_files,
    traversals,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Path]:
    """An application of its own, with a file next to its dumps that it must never send."""
    dumps = tmp_path_factory.mktemp("traversal-dumps")
    values = {
        "sparql_rate_limit": 0,  # every spelling from one address
        "dumps_dir": dumps,
        "cache_dir": dumps / ".cache",
        "store_path": dumps / ".store",
    }
    app = create_app(Settings.from_mapping(values, ROOT))
    (dumps / "secret.txt").write_bytes(SECRETS["secret.txt"] + b"\n")
    return app, dumps


def followed(app: Flask, answer: Answer, method: str, accept: str | None) -> Answer:
    """The answer after following redirects on this server (a merged `//` gets a 308)."""
    for _ in range(3):
        if answer.status not in (301, 302, 303, 307, 308):
            return answer
        target = urlsplit(answer.headers["Location"])
        headers = [("Accept", accept)] if accept else []
        answer = call(app, method, target.path.encode(), target.query.encode(), headers, b"", True)
    return answer


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_spelling_of_a_path_leaves_the_folder(served: tuple[Flask, Path], folder: str) -> None:
    app, _ = served
    failures = []
    for path in traversals(folder.encode(), FOLDERS[folder]):
        for decode_path in (False, True):
            for method, accept in (("GET", None), ("GET", "text/html"), ("HEAD", None)):
                headers = [("Accept", accept)] if accept else []
                sent = call(app, method, path, headers=headers, decode_path=decode_path)
                answer = followed(app, sent, method, accept)
                try:
                    assert answer.status in (400, 404, 405), answer.status
                    assert_sound(answer, method, accept)
                except AssertionError as err:
                    failures.append(f"{method} {path[:120]!r} (decoded: {decode_path}): {err}")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("folder", sorted(served_files()))
def test_the_folders_files_are_served_as_they_are(served: tuple[Flask, Path], folder: str) -> None:
    """The control: the same routes do send their own files (so the 404s above mean something)."""
    app, _ = served
    for path in served_files()[folder]:
        answer = call(app, "GET", f"{folder}{path.name}".encode())
        assert answer.status == 200, path
        assert answer.body == path.read_bytes(), path
        assert not leaked(answer.body)


def test_the_dumps_are_served_and_nothing_beside_them(served: tuple[Flask, Path]) -> None:
    app, dumps = served
    manifest = current(dumps)
    assert manifest is not None and manifest.folder is not None
    for dump in manifest.files:
        answer = call(app, "GET", f"/dumps/{dump.name}".encode())
        assert answer.status == 200
        assert hashlib.sha256(answer.body).hexdigest() == dump.sha256
    beside = sorted(p.name for p in dumps.iterdir() if p.name != manifest.folder.name)
    assert "secret.txt" in beside
    for name in beside:
        answer = call(app, "GET", f"/dumps/{name}".encode())
        assert answer.status == 404, name
        assert_sound(answer, "GET", None)
