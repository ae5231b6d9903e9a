"""Domain errors: each carries the HTTP status and CLI exit code it maps to, and nothing else."""

from __future__ import annotations

from pathlib import Path


class CkpldError(Exception):
    """Base of every error ckpld reports to a user instead of crashing.

    Attributes:
        status: HTTP status a server maps the error to.
        title: Short, fixed description of the kind of error.
        exit_code: Exit code a command maps the error to (2: the command could not run).
    """

    status = 500
    title = "Internal error"
    exit_code = 2

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConfigError(CkpldError):
    """A setting has a value ckpld cannot use."""

    title = "Invalid configuration"


class SourceError(CkpldError):
    """A data, ontology or query file cannot be read."""

    status = 404
    title = "Cannot read a source file"


class DataSyntaxError(CkpldError):
    """A data file does not parse; says where."""

    status = 422
    title = "Syntax error in data"

    def __init__(self, path: Path, line: int | None, column: int | None, message: str) -> None:
        where = str(path) if line is None else f"{path}:{line}:{column or 1}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.column = column


class BadQueryError(CkpldError):
    """A SPARQL query is malformed or cannot be answered as asked."""

    status = 400
    title = "Bad SPARQL query"


class ForbiddenQueryError(CkpldError):
    """A query this endpoint will not run: an update, or a call to another service."""

    status = 403
    title = "Query not allowed"


class PayloadTooLargeError(CkpldError):
    """A request larger than the server accepts."""

    status = 413
    title = "Request too large"


class UnsupportedMediaTypeError(CkpldError):
    """A request body in a media type or character set the server does not read."""

    status = 415
    title = "Unsupported media type"


class QueryTimeoutError(CkpldError):
    """A query ran out of time and was stopped; nothing partial is sent."""

    status = 503
    title = "Query timed out"


class QueryMemoryError(CkpldError):
    """A query needed more memory than a query may use, and was stopped; nothing partial is sent."""

    status = 503
    title = "Query used too much memory"


class NotFoundError(CkpldError):
    """Nothing is published at this address."""

    status = 404
    title = "Not found"


class NotAcceptableError(CkpldError):
    """No available format matches what the client accepts."""

    status = 406
    title = "Not acceptable"


class DataInvalidError(CkpldError):
    """The data does not conform to the shapes; it must not be served or published."""

    status = 500
    title = "Data does not validate"
    exit_code = 1


class OutputError(CkpldError):
    """Files could not be written (dumps folder missing rights, disk full); nothing was replaced."""

    title = "Cannot write"


class SandboxError(CkpldError):
    """The operating system cannot keep the query process off the network (see
    ckpld.store.sandbox); the server does not start unless the operator opts out."""

    status = 503
    title = "Cannot confine queries"


class BusyError(CkpldError):
    """Every query process is busy and the queue in front of them is full: try again soon."""

    status = 503
    title = "Busy"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class UpstreamError(CkpldError):
    """The remote store cannot be reached, fails, or answers what cannot be read."""

    status = 502
    title = "Bad Gateway"


class RateLimitedError(CkpldError):
    """A client asked for more SPARQL answers than the rate limit allows."""

    status = 429
    title = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many SPARQL answers for one client: try again in {retry_after} s "
            "(the server's sparql_rate_limit setting)"
        )
        self.retry_after = retry_after
