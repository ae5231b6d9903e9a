"""docs/notebook.ipynb, a researcher's notebook, run cell by cell in a real Jupyter kernel
(nbclient) against a live server: it fails if any cell fails."""

from __future__ import annotations

import nbformat

from ckpld.publish import record
from tests.conftest import ROOT
from tests.notebook import execute, read, shipped_server


def outputs(notebook: nbformat.NotebookNode) -> tuple[str, list[str]]:
    """Everything the notebook printed or showed as text, and its images' media types."""
    texts, images = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{output.ename}: {output.evalue}"
            if output.output_type == "stream":
                texts.append(output.text)
            elif "data" in output:
                texts.append(output.data.get("text/html", output.data.get("text/plain", "")))
                images += [m for m in output.data if m.startswith("image/")]
    return "\n".join(texts), images


def test_the_notebook_runs_against_a_live_server() -> None:
    newest = record.named(record.read(ROOT / "data" / record.RECORD_FILE))[-1].name
    with shipped_server() as base:
        notebook = execute(base)
    text, images = outputs(notebook)
    assert f"Release {newest}, published" in text
    assert "Lithuania" in text and "lettersOfIntent" in text  # two cookbook answers
    assert "Vilnius" in text and "Zagreb" in text  # and the partners, with their cities
    assert images == ["image/png", "image/png"]  # the two charts
    assert f"(Version {newest}) [Dataset]. Centrum Kultury Podgórza." in text  # cited
    assert f"@dataset{{instytucje-partnerskie-{newest}," in text


def test_the_docs_show_the_notebook_with_its_outputs() -> None:
    text, images = outputs(read())
    assert len(images) == 2 and "[Dataset]" in text, "run `make notebook` to refresh its outputs"
