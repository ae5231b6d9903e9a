"""Running docs/notebook.ipynb against a live ckpld server, as a researcher would run it.

`python -m tests.notebook` runs it against a server of the shipped data (its releases rebuilt from
git history) and writes the notebook back with its outputs, as the docs show it
(`make notebook`); tests/e2e/test_notebook.py runs the same and checks every cell.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebook.ipynb"


@contextmanager
def shipped_server() -> Iterator[str]:
    """A server of the shipped data with every release archived; its base URL."""
    from ckpld.config import Settings
    from ckpld.publish.history import archive_missing
    from tests.e2e.conftest import LiveServer

    with tempfile.TemporaryDirectory(prefix="ckpld-notebook-") as folder:
        archive = Path(folder) / "releases"
        settings = Settings.from_mapping({"releases_dir": archive, "cache_dir": Path(folder)}, ROOT)
        archive_missing(settings, None, history=True, log=lambda _: None, strict=True)
        server = LiveServer(
            env={"CKPLD_RELEASES_DIR": str(archive), "CKPLD_SPARQL_RATE_LIMIT": "0"}
        )
        try:
            server.wait_until_ready()
            yield server.url + "/"
        finally:
            server.stop()


def read() -> nbformat.NotebookNode:
    """docs/notebook.ipynb, as committed."""
    found: nbformat.NotebookNode = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    return found


def execute(base: str, timeout: int = 120) -> nbformat.NotebookNode:
    """The notebook, every cell run in a fresh kernel against the server at `base`.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell failed.
    """
    notebook = read()
    os.environ["CKPLD_BASE"] = base  # the kernel inherits it
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3").execute()
    finally:
        os.environ.pop("CKPLD_BASE", None)
    return notebook


def main() -> None:
    with shipped_server() as base:
        notebook = execute(base)
    nbformat.write(notebook, NOTEBOOK)  # type: ignore[no-untyped-call]
    print(f"wrote {NOTEBOOK.relative_to(ROOT)} with its outputs", file=sys.stderr)


if __name__ == "__main__":
    main()
