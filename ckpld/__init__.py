"""ckpld: publishes the partner institutions of Centrum Kultury Podgórza as Linked Open Data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ckpld")
except PackageNotFoundError:  # pragma: no cover - only when run from a bare source tree
    __version__ = "0.0.0"
