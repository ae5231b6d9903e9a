"""The benchmark's synthetic data: the shipped data's model, as valid as the original, any size."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from bench.generate import FILES, generate
from ckpld.config import Settings
from ckpld.model.sources import load, read_shapes
from ckpld.model.validation import validate


def _shipped(settings: Settings) -> int:
    return sum(
        len(list(ox.parse(path=settings.data_dir / name, base_iri=settings.base_iri)))
        for name in FILES
    )


def _written(folder: Path) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in folder.glob("*.nt"))


def test_synthetic_data_validates_and_grows_with_copies(settings: Settings, tmp_path: Path) -> None:
    shipped = _shipped(settings)
    one = generate(shipped, tmp_path / "one")
    three = generate(3 * shipped, tmp_path / "three")
    assert one == shipped == _written(tmp_path / "one")  # copy 0 is the data itself
    assert three == _written(tmp_path / "three")
    # about the size asked for: whole copies, so within one copy of it
    assert abs(three - 3 * shipped) < shipped
    assert abs(generate(10_000, tmp_path / "ten") - 10_000) < shipped  # the size asked for
    data = tmp_path / "three"
    own = replace(settings, data_dir=data, source_dir=data / "source")
    dataset = load(own)
    vocabulary = len(load(settings).quads) - shipped  # the ontology, loaded beside the data
    assert len(dataset.quads) == three + vocabulary
    assert validate(dataset, read_shapes(own)).conforms
    subjects = {q.subject.value for q in dataset.quads if isinstance(q.subject, ox.NamedNode)}
    base = settings.base_iri
    assert {base + "id/organization/encc", base + "id/organization/encc-2"} <= subjects
    assert base + "id/place/krakow-1" not in subjects  # places are shared
    copies = [s for s in subjects if s.startswith(base + "id/organization/encc") and "#" not in s]
    assert len(copies) >= 3
    assert three < len(copies) * shipped  # shared things are written once


def test_the_report_sets_distinct_queries_against_hello_world_and_the_engines() -> None:
    from bench.run import DISTINCT, _goals, _scale_table

    figures = {"rps": 100.0, "p50": 1.0, "p99": 2.0, "errors": 0.0}
    result = {
        "scale": 1e3,
        "triples": 1217,
        "validation_s": 1.0,
        "validation_done": True,
        "dumps_s": 0.1,
        "start_cold_s": 1.0,
        "start_warm_s": 1.0,
        "memory_mib": [40.0],
        "hello": {**figures, "rps": 1000.0},
        "dereference": figures,
        "ckpld_simple": figures,
        "ckpld_distinct": {name: {**figures, "rps": 700.0} for name in DISTINCT},
        "oxigraph_distinct": {name: {**figures, "rps": 1400.0} for name in DISTINCT},
        "inprocess_distinct": {name: {**figures, "rps": 875.0} for name in DISTINCT},
        "ckpld_queries": {"partners": {"first": 70.0, "median": 3.0, "status": 200}},
        "engine_queries": {"partners": 55.5},
    }
    goals = [g for g in _goals(result) if g[0].startswith("distinct")]
    assert len(goals) == len(DISTINCT) and all(g[1] == "0.70x" and g[2] for g in goals)
    rows = [
        line
        for line in _scale_table(result)
        if line.startswith(tuple(f"| {n} |" for n in DISTINCT))
    ]
    assert len(rows) == len(DISTINCT)
    # ckpld 0.70x hello; in process 875 req/s, ckpld 0.80x of it, it 0.88x hello; Oxigraph 0.50x
    shown = ("| 700 |", "| 0.70 |", "| 875 | 0.80 | 0.88 |", "| 1400 | 0.50 |")
    assert all(all(cell in row for cell in shown) for row in rows)
    assert all(row.endswith("| not run |  |") for row in rows)  # Virtuoso not measured here
    # Beside each cookbook query's first answer, the engine's own time: the floor under it.
    assert "| partners | 70.0 / 3.0 | 55.5 | not run | not run |" in _scale_table(result)


def test_the_load_report_compares_the_tail_with_recycled_workers() -> None:
    from bench.load import recycling_lines

    def run(p99: float, recycled: int) -> dict[str, object]:
        return {
            "kinds": {"pages": {"p99_ms": p99}, "cookbook": {"p99_ms": 2 * p99}},
            "events": {"recycled": ["w"] * recycled, "died": []},
        }

    assert recycling_lines(run(10.0, 0)) == []  # no second run: nothing to compare
    lines = recycling_lines({**run(10.0, 0), "recycling": run(25.0, 6)})
    assert any("6 workers replaced" in line for line in lines)
    assert "| pages | 10.0 | 25.0 | 2.50 | **no** |" in lines
    lines = recycling_lines({**run(10.0, 0), "recycling": run(15.0, 6)})
    assert "| cookbook | 20.0 | 30.0 | 1.50 | yes |" in lines
