"""The `ckpld` command: thin wrappers over the library, with documented exit codes.

Exit codes: 0 success; 1 the data does not conform (validate, serve); 2 the command could not run
(bad setting, missing or unreadable file, syntax error, bad query), with a one-line reason.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from ckpld import __version__
from ckpld.config import Settings
from ckpld.errors import CkpldError, DataInvalidError, SourceError
from ckpld.model.sources import load, read_shapes
from ckpld.model.validation import remember_valid, verdict_key
from ckpld.model.validation import validate as validate_dataset
from ckpld.publish.archive import compare_archives
from ckpld.publish.archive import releases as archived_releases
from ckpld.publish.citation import apa, bibtex, cff, csl_json, datacite, reference, ris
from ckpld.publish.dumps import CURRENT
from ckpld.publish.history import archive_missing
from ckpld.publish.loading import PROTOCOLS, Target, load_into
from ckpld.publish.metadata import Statistics, statistics
from ckpld.publish.past import release_store
from ckpld.publish.publication import publish
from ckpld.publish.release import CATALOG_GRAPH
from ckpld.publish.release import build as build_release
from ckpld.publish.release import make as make_release
from ckpld.rdf.formats import RDF_FORMATS, RESULTS_FORMATS, by_name
from ckpld.rdf.namespaces import compact, prefixes
from ckpld.store.bulk import Bulk
from ckpld.store.documents import graph_quads
from ckpld.store.local import LocalStore
from ckpld.store.results import serialize, table
from ckpld.web.app import create_app
from ckpld.web.server import run as run_server


class _Group(click.Group):
    """Turns ckpld's own errors into a one-line message and the error's exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataInvalidError as err:
            click.echo(
                f"ckpld: error: the data does not validate; not serving it:\n{err.detail}", err=True
            )
            ctx.exit(err.exit_code)
        except CkpldError as err:
            click.echo(f"ckpld: error: {err.detail}", err=True)
            ctx.exit(err.exit_code)


@click.group(cls=_Group)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML); default: $CKPLD_CONFIG, else ./ckpld.toml if present.",
)
@click.option("--base-iri", help="Canonical base IRI of the data (setting base_iri).")
@click.version_option(__version__, prog_name="ckpld")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, base_iri: str | None) -> None:
    """Publish CKP's partner institutions as validated Linked Open Data."""
    ctx.obj = {"config": config, "overrides": {"base_iri": base_iri}}


def _settings(ctx: click.Context) -> Settings:
    return Settings.load(ctx.obj["config"], overrides=ctx.obj["overrides"])


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "pl"]),
    default="en",
    show_default=True,
    help="Language of the messages in a text report.",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Validate the data (or PATHS) against the shapes and the dataset rules.

    Exit 0 when the data conforms, 1 when it does not, 2 when validation cannot run.
    """
    settings = _settings(ctx)
    dataset = load(settings, paths)
    report = validate_dataset(dataset, read_shapes(settings))
    if report.conforms and not paths:  # the server need not validate this data again
        version = Bulk.of(dataset.quads, {}).digest
        remember_valid(settings.cache_dir, verdict_key(version, settings.shapes))
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif fmt == "turtle":
        report.graph.bind("ckps", settings.base_iri + "def/shapes#")
        click.echo(report.graph.serialize(format="turtle"))
    else:
        table_ = prefixes(settings.base_iri)
        if report.findings:
            click.echo(report.text(table_, lang))
        store = LocalStore(settings.base_iri, dataset.quads)
        click.echo(_summary(report.conforms, statistics(store), table_, len(report.findings)))
    ctx.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--host", help="Address to listen on (setting host).")
@click.option("--port", type=int, help="Port to listen on (setting port).")
@click.option("--workers", type=int, help="Worker processes (setting workers).")
@click.option("--base-iri", "base_iri", help="Canonical base IRI of the data (setting base_iri).")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the data files (setting data_dir).",
)
@click.option("--dev", is_flag=True, help="Flask's development server, reloading on changes.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    base_iri: str | None,
    data_dir: Path | None,
    dev: bool,
) -> None:
    """Validate the data and serve it over HTTP (gunicorn; --dev for development).

    Exit 1 without serving when the data does not validate; 2 when it cannot be loaded.
    SIGHUP reloads the data: served once it validates, else the last valid data stays.
    """
    flags = {
        "host": host,
        "port": port,
        "workers": workers,
        "base_iri": base_iri,
        "data_dir": data_dir,
    }
    overrides = {**ctx.obj["overrides"], **{k: v for k, v in flags.items() if v is not None}}
    settings = Settings.load(ctx.obj["config"], overrides=overrides)
    app = create_app(settings)
    click.echo(
        f"ckpld: serving {settings.base_iri} at http://{settings.host}:{settings.port}/", err=True
    )
    if dev:
        app.run(host=settings.host, port=settings.port, debug=True, use_reloader=True)
    else:
        # SIGHUP: the data is read and validated anew; invalid data leaves the old one served
        run_server(app, settings, rebuild=lambda: create_app(settings))


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Dumps folder (setting dumps_dir); the release goes in a sub-folder, `current` links it.",
)
@click.pass_context
def build(ctx: click.Context, out: Path | None) -> None:
    """Validate the data and write a release: the dumps, the catalogue, VoID and checksums.

    A data version not yet in the release record (`releases.json` in the data folder) is added
    to it, dated now: the catalogue's dates come from there. Writing is atomic: the new release
    becomes `OUT/current` only once complete. Exit 1 when
    the data does not validate, 2 when it cannot be loaded or the folder cannot be written.
    """
    overrides = {**ctx.obj["overrides"], "dumps_dir": out}
    settings = Settings.load(ctx.obj["config"], overrides=overrides)
    pub = publish(settings, record=True)
    archive_missing(settings, pub, history=True, log=_say)
    manifest = build_release(pub.edition(), settings.dumps_dir, pub.living())
    assert manifest.folder is not None
    total = sum(f.size for f in manifest.files)
    click.echo(
        f"ckpld: release {manifest.version}: {len(manifest.files)} files, {total} bytes, "
        f"in {manifest.folder} ({settings.dumps_dir / CURRENT})"
    )


@cli.group()
def releases() -> None:
    """The release archive: every release ever made, kept under releases_dir."""


@releases.command("list")
@click.pass_context
def releases_list(ctx: click.Context) -> None:
    """List the releases of the record, newest first: name, date, data version, and whether the
    archive holds it."""
    settings = _settings(ctx.parent or ctx)
    known = archived_releases(settings)
    for entry in reversed(known.entries):
        held = "archived" if entry.name in known.archived else "missing (ckpld releases rebuild)"
        click.echo(f"{entry.name}\t{entry.date.isoformat()}\t{entry.version}\t{held}")


@releases.command("rebuild")
@click.option(
    "--check",
    is_flag=True,
    help="Rebuild every release from git history into a temporary folder and compare it, byte "
    "for byte, with the archive (exit 1 on a difference); the archive is not changed.",
)
@click.pass_context
def releases_rebuild(ctx: click.Context, check: bool) -> None:
    """Archive every release of the record the archive lacks, rebuilt from git history (each
    from the newest commit whose data gives its data version, validated against that commit's
    shapes). Exit 2 when a release is not in the history or git cannot be read.
    """
    settings = _settings(ctx.parent or ctx)
    if not check:
        made = archive_missing(settings, None, history=True, log=_say, strict=True)
        click.echo(f"ckpld: {len(made)} releases rebuilt in {settings.releases_dir}")
        return
    with tempfile.TemporaryDirectory(prefix="ckpld-rebuild-") as folder:
        scratch = replace(settings, releases_dir=Path(folder))
        made = archive_missing(scratch, None, history=True, log=lambda _: None, strict=True)
        differ = compare_archives(Path(folder), settings.releases_dir, made)
    for line in differ:
        click.echo(f"ckpld: {line}", err=True)
    click.echo(f"ckpld: {len(made)} releases rebuilt, {len(differ)} differences")
    ctx.exit(1 if differ else 0)


def _say(line: str) -> None:
    click.echo(f"ckpld: {line}")


CITATION_FORMATS = ("apa", "bibtex", "ris", "csl-json", "cff", "datacite")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CITATION_FORMATS),
    default="apa",
    show_default=True,
    help="APA (plain text, by citeproc-py), a reference manager's format, the Citation File "
    "Format (for CITATION.cff) or DataCite metadata (a release only).",
)
@click.option("--release", metavar="NAME", help="Cite the archived release NAME.")
@click.option(
    "--lang", type=click.Choice(["en", "pl"]), default="en", show_default=True, help="Language."
)
@click.pass_context
def citation(ctx: click.Context, fmt: str, release: str | None, lang: str) -> None:
    """Print how to cite the dataset as it is now (its newest release, when the data is that
    release and it is archived), or an archived release. After `ckpld build`:
    `ckpld citation --format cff > CITATION.cff`.
    """
    settings = _settings(ctx)
    pub = publish(settings)
    try:
        entry = None
        if release is not None:
            entry = pub.releases.named(release) if pub.living() else None
            if entry is None or entry.name not in pub.releases.archived:
                raise SourceError(
                    f"no archived release is called {release} (`ckpld releases list`)"
                )
        elif pub.living() and pub.releases.current(pub.version_id) is None:
            pub.catalogue = tuple(make_release(pub.edition(), pub.living()).catalogue)
        if fmt == "datacite" and entry is None:
            raise SourceError("DataCite metadata is made for a release: give --release NAME")
        cited = reference(pub, entry)
        writers = {"bibtex": bibtex, "ris": ris, "csl-json": csl_json}
        if fmt == "apa":
            body = (apa(cited, lang) + "\n").encode()
        elif fmt == "cff":
            body = cff(cited)
        elif fmt == "datacite":
            body = datacite(cited)
        else:
            body = writers[fmt](cited, lang)
    finally:
        pub.store.close()
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@cli.command("load")
@click.option(
    "--into", "url", required=True, help="The store's SPARQL Update (or Graph Store) URL."
)
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="update",
    show_default=True,
    help="SPARQL 1.1 Update (DROP + INSERT DATA) or Graph Store Protocol (PUT per graph).",
)
@click.option(
    "--user", help="User name for the store; the password is read from $CKPLD_STORE_PASSWORD."
)
@click.option("--digest", is_flag=True, help="HTTP Digest authentication (Virtuoso), not Basic.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Dumps folder.")
@click.pass_context
def load_command(
    ctx: click.Context, url: str, protocol: str, user: str | None, digest: bool, out: Path | None
) -> None:
    """Validate the data, write its release, and load every named graph into a remote store.

    The graphs: the data files', the vocabulary, the VoID description and the DCAT catalogue (with
    the releases the archive holds; run `ckpld build` or `ckpld releases rebuild` first, and serve
    with the same releases_dir), each replacing the store's graph of the same name. Exit 1 when
    the data does not validate, 2 when the store cannot be reached or refuses it.
    """
    overrides = {**ctx.obj["overrides"], "dumps_dir": out, "store": "memory"}
    settings = Settings.load(ctx.obj["config"], overrides=overrides)
    pub = publish(settings, record=True)
    archive_missing(settings, pub, history=False, log=_say)
    pub.release()
    graphs = {
        name: [ox.Triple(q.subject, q.predicate, q.object) for q in graph_quads(pub.store, name)]
        for name in pub.queryable.graphs
    }
    graphs[settings.graph_iri(CATALOG_GRAPH)] = list(pub.catalogue)  # exact datatypes
    login = user or settings.store_user or None
    target = Target(url, protocol, login, settings.store_password, digest)
    sent = load_into(target, graphs)
    click.echo(f"ckpld: loaded {sent} triples in {len(graphs)} graphs, version {pub.version_id}")


@cli.command()
@click.argument("query_file", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", *(f.name for f in (*RESULTS_FORMATS, *RDF_FORMATS))]),
    help="table for people; SPARQL results formats for SELECT/ASK; RDF for CONSTRUCT.",
)
@click.option(
    "--release",
    metavar="NAME",
    help="Ask the archived release NAME (`ckpld releases list`), not the data as it is now.",
)
@click.pass_context
def query(ctx: click.Context, query_file: str, fmt: str, release: str | None) -> None:
    """Run the SPARQL query in FILE (or on standard input) against the local data, or an
    archived release of it (its data graphs as the default graph; its VoID and catalogue as
    named graphs, as on the server)."""
    settings = _settings(ctx)
    text = _read_query(query_file)
    if release is None:
        store = LocalStore(settings.base_iri, load(settings).quads)
    else:
        entry = archived_releases(settings).named(release)
        if entry is None:
            raise SourceError(f"no release is called {release} (`ckpld releases list`)")
        store, _ = release_store(settings, entry)
    try:
        result = store.query(text, timeout=settings.query_timeout)
    finally:
        store.close()
    table_ = {**prefixes(settings.base_iri), **_declared_prefixes(text, settings.base_iri)}
    if fmt == "table":
        click.echo(table(result, table_))
        return
    chosen = by_name(fmt)
    assert chosen is not None
    sys.stdout.buffer.write(serialize(result, chosen, table_))
    sys.stdout.flush()


def _read_query(name: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        return raw.decode("utf-8")
    except OSError as err:
        raise SourceError(f"{name}: cannot read: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise SourceError(f"{name}: not UTF-8 text (byte {err.start})") from err


def _declared_prefixes(query_text: str, base_iri: str) -> dict[str, str]:
    """PREFIX declarations of a query, relative IRIs resolved against the base IRI."""
    found = re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", query_text, re.IGNORECASE)
    return {name: iri if ":" in iri else base_iri + iri for name, iri in found if name}


def _summary(conforms: bool, stats: Statistics, table_: dict[str, str], problems: int) -> str:
    verdict = "conforms" if conforms else "does NOT conform"
    graphs = ", ".join(f"{compact(g, table_)} {n}" for g, n in stats.graphs.items())
    classes = ", ".join(f"{compact(c, table_)} {n}" for c, n in stats.classes.items())
    return (
        f"ckpld: the data {verdict} ({problems} finding{'' if problems == 1 else 's'}).\n"
        f"  {stats.triples} triples in {len(stats.graphs)} named graphs: {graphs}\n"
        f"  instances: {classes}"
    )
