"""Settings as data: one frozen dataclass loaded from defaults, a file, the environment, flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ckpld.errors import ConfigError

ENV_PREFIX = "CKPLD_"
CONFIG_FILE = "ckpld.toml"


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

    def __post_init__(self) -> None:
        check_base_iri(self.base_iri)

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
        settings = cls(**converted)
        paths: dict[str, Any] = {
            f.name: _resolve(root, getattr(settings, f.name))
            for f in fields(cls)
            if isinstance(getattr(settings, f.name), Path)
        }
        return replace(settings, **paths)

    def graph_iri(self, name: str) -> str:
        """IRI of the named graph called `name` (a data file's stem, or 'vocabulary')."""
        return f"{self.base_iri}graph/{name}"


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
    try:
        if kind == "Path":
            if not isinstance(value, str | Path) or not str(value):
                raise TypeError
            return Path(value)
        if kind == "str":
            if not isinstance(value, str):
                raise TypeError
            return value
    except TypeError:
        raise ConfigError(f"setting {name} must be a {kind.lower()}, got {value!r}") from None
    raise ConfigError(f"setting {name} has an unsupported type {kind}")  # pragma: no cover


def _resolve(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else (root / path)
