"""Settings as data: one frozen dataclass loaded from defaults, a file, the environment, flags."""

from __future__ import annotations

import importlib.resources
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ckpld.errors import ConfigError

ENV_PREFIX = "CKPLD_"
CONFIG_FILE = "ckpld.toml"
MAX_IDENTIFIER = 36  # longest dct:identifier dane.gov.pl accepts
STORES = ("memory", "disk", "remote")
# Codes of the EU frequency table (publications.europa.eu/resource/authority/frequency) ckpld
# can describe the dataset's updates with.
FREQUENCIES = (
    "DAILY",
    "WEEKLY",
    "MONTHLY",
    "QUARTERLY",
    "ANNUAL_2",
    "ANNUAL",
    "IRREG",
    "NEVER",
    "UNKNOWN",
)


@dataclass(frozen=True)
class Settings:
    """Everything ckpld can be told. Paths are resolved when the settings are loaded."""

    base_iri: str = field(
        default="https://dane.ckpodgorza.pl/",
        metadata={"help": "Canonical base IRI of the data; absolute http(s), ending with '/'."},
    )
    data_dir: Path = field(
        default=Path("data"),
        metadata={"help": "Folder of the data files; each is the named graph {base}graph/{stem}."},
    )
    ontology_dir: Path = field(
        default=Path("ontology"),
        metadata={"help": "Vocabulary folder; all but the shapes are {base}graph/vocabulary."},
    )
    shapes: Path = field(
        default=Path("ontology/shapes.ttl"),
        metadata={"help": "SHACL shapes the data must conform to."},
    )
    source_dir: Path = field(
        default=Path("data/source"),
        metadata={"help": "Folder of the archived source pages, published under {base}source/."},
    )
    queries_dir: Path = field(
        default=Path("queries"),
        metadata={"help": "Folder of the cookbook SPARQL queries (*.rq)."},
    )
    host: str = field(default="127.0.0.1", metadata={"help": "Address `ckpld serve` listens on."})
    port: int = field(default=8000, metadata={"help": "Port `ckpld serve` listens on."})
    workers: int = field(default=2, metadata={"help": "Worker processes of `ckpld serve`."})
    store: str = field(
        default="memory",
        metadata={
            "help": "Where the data lives: memory (embedded Oxigraph, loaded from data_dir), "
            "disk (embedded Oxigraph on disk in store_path, shared by the workers) or remote "
            "(the SPARQL endpoint store_url, loaded with `ckpld load`)."
        },
    )
    store_path: Path = field(
        default=Path(".ckpld-store"),
        metadata={"help": "Folder of the on-disk store (store = disk); ckpld alone writes it."},
    )
    store_url: str = field(
        default="",
        metadata={"help": "SPARQL query endpoint of the remote store (store = remote)."},
    )
    store_user: str = field(
        default="",
        metadata={"help": "User name `ckpld load` gives the remote store (empty: none)."},
    )
    store_password: str = field(
        default="",
        repr=False,
        metadata={"help": "Its password; set it in the environment, never in a committed file."},
    )
    validate_on_start: bool = field(
        default=True,
        metadata={"help": "Validate the data before serving; refuse to start if it fails."},
    )
    cache_max_age: int = field(
        default=3600,
        metadata={"help": "Seconds clients and proxies may reuse a data response (Cache-Control)."},
    )
    cache_entries: int = field(
        default=4096,
        metadata={"help": "Rendered responses each worker keeps in memory (0: no cache)."},
    )
    cache_bytes: int = field(
        default=64 << 20,
        metadata={
            "help": "Bytes each of a worker's two caches may hold (an estimate, a body both "
            "keep counted once; the oldest go first); 0: bounded by cache_entries only."
        },
    )
    query_timeout: float = field(
        default=10.0,
        metadata={"help": "Seconds a SPARQL query may run before it is stopped (answer 503)."},
    )
    query_processes: int = field(
        default=2,
        metadata={
            "help": "Processes per worker that run SPARQL queries at once (each killed at "
            "query_timeout, at a lower CPU priority than pages)."
        },
    )
    past_releases: int = field(
        default=3,
        metadata={
            "help": "Past releases a worker holds at once (each its data in memory and its "
            "query processes), for mementos and their endpoints; one more asked while that many "
            "are in use: 503 with Retry-After."
        },
    )
    query_queue: int = field(
        default=4,
        metadata={
            "help": "SPARQL queries per worker that may wait for a query process (the wait "
            "counts toward query_timeout); more: 503 with Retry-After at once."
        },
    )
    result_limit: int = field(
        default=10000,
        metadata={"help": "Most rows (or triples) a SPARQL answer carries; cuts are reported."},
    )
    query_max_length: int = field(
        default=100000,
        metadata={"help": "Longest SPARQL query accepted, in characters (longer: 413)."},
    )
    sparql_rate_limit: int = field(
        default=600,
        metadata={
            "help": "SPARQL answers (/sparql, /queries/) one client address may get per minute, "
            "across all workers; more: 429 with Retry-After. 0: no limit."
        },
    )
    warm_seconds: float = field(
        default=3.0,
        metadata={
            "help": "Seconds `ckpld serve` spends, before its workers fork, rendering the pages "
            "and documents asked for most, so that every worker (a replacing one too) starts "
            "with them cached; 0: none."
        },
    )
    max_requests: int = field(
        default=1_000_000,
        metadata={"help": "Requests a worker serves before gunicorn replaces it (0: never)."},
    )
    service_allowlist: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "Endpoints SPARQL SERVICE may call (comma-separated); empty: none. With "
            "query_sandbox, the query processes reach these endpoints' addresses and no others."
        },
    )
    query_sandbox: bool = field(
        default=True,
        metadata={
            "help": "Run queries in processes the kernel keeps off the network (a seccomp "
            "filter), or only service_allowlist's endpoints; the server does not start where "
            "that cannot be enforced. false: no such guard (SERVICE calls are then refused by "
            "reading the query only)."
        },
    )
    assets_dir: Path = field(
        default=Path("node_modules"),
        metadata={"help": "Where npm installed the query editor (@zazuko/yasgui)."},
    )
    dataset_id: str = field(
        default="instytucje-partnerskie",
        metadata={"help": "Slug of the dataset's IRI, {base}id/dataset/{dataset_id}."},
    )
    title_pl: str = field(
        default="Partnerzy zagraniczni Centrum Kultury Podgórza",
        metadata={"help": "Title of the dataset in Polish."},
    )
    title_en: str = field(
        default="Foreign partners of Centrum Kultury Podgórza",
        metadata={"help": "Title of the dataset in English."},
    )
    publisher: str = field(
        default="id/organization/centrum-kultury-podgorza",
        metadata={"help": "IRI (relative to the base) of the organisation publishing the data."},
    )
    creator: str = field(
        default="",
        metadata={
            "help": "IRI (relative to the base, or absolute) of whoever compiled the dataset "
            "from its sources; empty: not stated (the publisher is not assumed to be it)."
        },
    )
    doi: str = field(
        default="",
        metadata={
            "help": "DOI of the dataset (all its versions; Zenodo's concept DOI), e.g. "
            "10.5281/zenodo.1234567; empty: none. Citations, the catalogue and the schema.org "
            "description carry it."
        },
    )
    license: str = field(
        default="https://creativecommons.org/licenses/by/4.0/",
        metadata={"help": "IRI of the licence of the data."},
    )
    modified: str = field(
        default="",
        metadata={
            "help": "When the data last changed (ISO 8601); empty: from the release record "
            "(data/releases.json), else the newest data file's time."
        },
    )
    issued: str = field(
        default="",
        metadata={
            "help": "When the dataset was first published (ISO 8601); empty: the release "
            "record's first date, else `modified`."
        },
    )
    description_pl: str = field(
        default=(
            "Zagraniczne instytucje partnerskie Centrum Kultury Podgórza w Krakowie: listy "
            "intencyjne o współpracy, partnerzy, którzy dołączyli, i członkostwo w sieci ENCC, "
            "spisane ze strony CKP „Współpraca międzynarodowa”; każdy fakt wskazuje zdanie "
            "strony, z którego pochodzi."
        ),
        metadata={"help": "Description of the dataset in Polish."},
    )
    description_en: str = field(
        default=(
            "The foreign partner institutions of Centrum Kultury Podgórza in Kraków: letters of "
            "intent about cooperation, partners who joined, and membership of the ENCC network, "
            "taken from CKP's page 'Współpraca międzynarodowa'; every fact points at the "
            "sentence it comes from."
        ),
        metadata={"help": "Description of the dataset in English."},
    )
    keywords_pl: tuple[str, ...] = field(
        default=("współpraca międzynarodowa", "instytucje kultury", "partnerstwo", "Kraków"),
        metadata={"help": "Keywords in Polish (comma-separated)."},
    )
    keywords_en: tuple[str, ...] = field(
        default=("international cooperation", "cultural institutions", "partnership"),
        metadata={"help": "Keywords in English (comma-separated)."},
    )
    update_frequency: str = field(
        default="IRREG",
        metadata={
            "help": "How often the data is updated, as a code of the EU frequency table "
            f"({', '.join(FREQUENCIES)}); CKP's page changes when partners do: IRREG."
        },
    )
    contact_url: str = field(
        default="https://www.ckpodgorza.pl/",
        metadata={"help": "Web page where the publisher can be contacted (DCAT contact point)."},
    )
    contact_email: str = field(
        default="",
        metadata={"help": "E-mail address of the contact point; empty: none is published."},
    )
    cache_dir: Path = field(
        default=Path(".ckpld-cache"),
        metadata={"help": "Folder where ckpld remembers data it has validated (by content hash)."},
    )
    dumps_dir: Path = field(
        default=Path("dumps"),
        metadata={"help": "Folder `ckpld build` and `ckpld serve` write the dumps to."},
    )
    releases_dir: Path = field(
        default=Path("releases"),
        metadata={
            "help": "Folder of the release archive: every release ever made, kept for good and "
            "served under /releases/ (`ckpld releases rebuild` remakes it from git history)."
        },
    )

    def __post_init__(self) -> None:
        check_base_iri(self.base_iri)
        _check_range("port", self.port, 1, 65535)
        _check_range("workers", self.workers, 1, 256)
        _check_range("cache_max_age", self.cache_max_age, 0, 10**8)
        _check_range("cache_entries", self.cache_entries, 0, 10**7)
        if not 0 < self.query_timeout <= 3600:
            raise ConfigError(
                f"query_timeout must be between 0 and 3600 s, got {self.query_timeout}"
            )
        if not 0 <= self.warm_seconds <= 600:
            raise ConfigError(f"warm_seconds must be between 0 and 600 s, got {self.warm_seconds}")
        _check_range("query_processes", self.query_processes, 1, 64)
        _check_range("query_queue", self.query_queue, 0, 10**4)
        _check_range("past_releases", self.past_releases, 1, 64)
        _check_range("result_limit", self.result_limit, 1, 10**8)
        _check_range("query_max_length", self.query_max_length, 100, 10**8)
        for endpoint in self.service_allowlist:
            if urlsplit(endpoint).scheme not in ("http", "https"):
                raise ConfigError(
                    f"service_allowlist entries must be http(s) IRIs, got {endpoint!r}"
                )
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.dataset_id):
            raise ConfigError(f"dataset_id must be a slug (a-z, 0-9, -), got {self.dataset_id!r}")
        if self.update_frequency not in FREQUENCIES:
            raise ConfigError(
                f"update_frequency must be one of {', '.join(FREQUENCIES)}, "
                f"got {self.update_frequency!r}"
            )
        if self.store not in STORES:
            raise ConfigError(f"store must be one of {', '.join(STORES)}, got {self.store!r}")
        if self.store == "remote" and urlsplit(self.store_url).scheme not in ("http", "https"):
            raise ConfigError("store = remote needs store_url, the endpoint's http(s) URL")
        if len(self.dataset_id) > MAX_IDENTIFIER:
            raise ConfigError(
                f"dataset_id must have at most {MAX_IDENTIFIER} characters (dane.gov.pl), "
                f"got {len(self.dataset_id)}"
            )
        if self.creator and re.search(r"[\s<>\"{}|^`\\]", self.creator):
            raise ConfigError(f"creator must be an IRI, got {self.creator!r}")
        if self.doi and not re.fullmatch(r"10\.\d{4,9}/\S+", self.doi):
            raise ConfigError(f"doi must be a DOI such as 10.5281/zenodo.1234567, got {self.doi!r}")
        for name in ("license", "contact_url"):
            if urlsplit(getattr(self, name)).scheme not in ("http", "https"):
                raise ConfigError(f"{name} must be an absolute http(s) IRI")
        if self.contact_email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.contact_email):
            raise ConfigError(f"contact_email is not an e-mail address: {self.contact_email!r}")
        for name in ("modified", "issued"):
            value = getattr(self, name)
            if value:
                try:
                    datetime.fromisoformat(value)
                except ValueError:
                    raise ConfigError(f"{name} must be ISO 8601, got {value!r}") from None

    @classmethod
    def load(
        cls,
        config: Path | None = None,
        env: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Load settings: defaults, then the TOML file, then CKPLD_* variables, then overrides.

        Args:
            config: TOML file; if None, `CKPLD_CONFIG` or `./ckpld.toml` when it exists.
            env: Environment to read (os.environ if None).
            overrides: Values that beat all others (command-line flags); None is ignored.

        Raises:
            ConfigError: a file, name or value that cannot be used.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        root = Path.cwd()
        config = config or _default_config(env)
        if config is not None:
            values.update(_read_toml(config))
            root = config.resolve().parent
        values.update(_from_env(env))
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls.from_mapping(values, root)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], root: Path) -> Settings:
        """Build settings from raw values; relative paths resolve against `root`."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            converted[name] = _convert(name, known[name].type, value)
        if "data_dir" in converted and "source_dir" not in converted:  # the pages beside the data
            converted["source_dir"] = Path(converted["data_dir"]) / "source"
        settings = cls(**converted)
        paths: dict[str, Any] = {
            f.name: _resolve(root, getattr(settings, f.name))
            for f in fields(cls)
            if isinstance(getattr(settings, f.name), Path)
        }
        # Outside a checkout (ckpld installed from its wheel), what the wheel carries stands in
        # for the folders of the repository that are not there; a setting given is kept as is.
        for name, inside in PACKAGED.items():
            if name not in values and not paths[name].exists() and (RESOURCES / inside).exists():
                paths[name] = RESOURCES / inside
        return replace(settings, **paths)

    def graph_iri(self, name: str) -> str:
        """IRI of the named graph called `name` (a data file's stem, or 'vocabulary')."""
        return f"{self.base_iri}graph/{name}"

    @property
    def dataset_iri(self) -> str:
        """IRI of the dataset as a whole."""
        return f"{self.base_iri}id/dataset/{self.dataset_id}"

    @property
    def publisher_iri(self) -> str:
        """IRI of the publishing organisation."""
        return self.base_iri + self.publisher

    @property
    def creator_iri(self) -> str:
        """IRI of whoever compiled the dataset, or "" when the settings do not say."""
        if not self.creator or urlsplit(self.creator).scheme in ("http", "https"):
            return self.creator
        return self.base_iri + self.creator


def check_base_iri(iri: str) -> None:
    """Raise ConfigError unless `iri` is an absolute http(s) IRI ending with '/'."""
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"base_iri must be an absolute http(s) IRI, got {iri!r}")
    if not iri.endswith("/") or parts.query or parts.fragment:
        raise ConfigError(f"base_iri must end with '/' and have no query or fragment, got {iri!r}")


def help_table() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for documentation and `--help`."""
    return [(f.name, str(f.default), f.metadata["help"]) for f in fields(Settings)]


def _default_config(env: Mapping[str, str]) -> Path | None:
    if env.get(f"{ENV_PREFIX}CONFIG"):
        return Path(env[f"{ENV_PREFIX}CONFIG"])
    local = Path.cwd() / CONFIG_FILE
    return local if local.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as err:
        raise ConfigError(f"cannot read config file {path}: {err.strerror}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}") from err


def _from_env(env: Mapping[str, str]) -> dict[str, str]:
    names = {f.name for f in fields(Settings)}
    found = {}
    for key, value in env.items():
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG":
            name = key[len(ENV_PREFIX) :].lower()
            if name not in names:
                raise ConfigError(f"unknown setting in environment variable {key}")
            found[name] = value
    return found


def _convert(name: str, kind: Any, value: Any) -> Any:
    kind = kind if isinstance(kind, str) else kind.__name__
    if kind == "Path" and isinstance(value, str | Path) and str(value):
        return Path(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
            return int(value)
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value.strip()):
            return float(value)
    if kind == "tuple[str, ...]":
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
            return _BOOLEANS[value.strip().lower()]
    word = {
        "Path": "path",
        "str": "string",
        "int": "whole number",
        "bool": "true or false",
        "float": "number",
        "tuple[str, ...]": "list of strings",
    }
    raise ConfigError(f"setting {name} must be a {word.get(kind, kind)}, got {value!r}")


_BOOLEANS = {
    "true": True,
    "yes": True,
    "1": True,
    "on": True,
    "false": False,
    "no": False,
    "0": False,
    "off": False,
}


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ConfigError(f"setting {name} must be between {low} and {high}, got {value}")


# Settings whose default folder the wheel carries, and where in ckpld/resources/.
PACKAGED = {
    "ontology_dir": "ontology",
    "shapes": "ontology/shapes.ttl",
    "queries_dir": "queries",
    "assets_dir": "assets",
}
RESOURCES = Path(str(importlib.resources.files("ckpld"))) / "resources"


def _resolve(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else (root / path)
