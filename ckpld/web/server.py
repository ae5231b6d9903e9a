"""Running the application under gunicorn, the production server behind `ckpld serve`."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from ckpld.config import Settings
from ckpld.errors import CkpldError
from ckpld.store.isolation import limit_memory
from ckpld.web.access import AccessLog
from ckpld.web.pages.cartography import preload
from ckpld.web.warming import warm

logger = logging.getLogger("gunicorn.error")  # the master's log, next to gunicorn's own lines
WORKER_CONNECTIONS = 1000  # open connections per worker (gunicorn's default, stated)
KEEPALIVE = 5  # seconds for a request's head to arrive, and for an idle connection to stay
# Memory a worker may take beyond what it has when it starts (its share of the data included):
# its caches are bounded (cache_bytes), answers are written by query processes and HTML pages
# have budgets, so only a bug could need more; then the request fails, not the machine.
WORKER_MEMORY = 1 << 30


def _bound_worker_memory(_server: Any, _worker: Any) -> None:
    """gunicorn's post_fork hook: the worker's memory is bounded (see WORKER_MEMORY)."""
    limit_memory(WORKER_MEMORY)


def _leave(_server: Any, _worker: Any) -> None:
    """gunicorn's worker_exit hook, the last thing a worker does: end the process without
    Python's finalisation. An on-disk store was opened before the fork, so its background
    threads live in the master only; finalising it in a worker crashed the worker (SIGSEGV)
    at every exit (shutdown, reload, max_requests). The log is flushed first; the query
    processes end with their worker (PR_SET_PDEATHSIG)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _warm(worker: Any) -> None:
    """gunicorn's post_worker_init hook, run in a new worker before it takes requests: its
    query processes are started now. A worker that replaces another (max_requests) would
    otherwise fork them during its first queries, which then wait (a tail of hundreds of ms)."""
    published = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("ckpld")
    if published is None:
        return
    try:
        published.store.warm()
    except Exception:  # the first queries start them instead; serving goes on
        logger.exception("ckpld: could not start the query processes ahead of the first query")


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn serving one WSGI application, configured from a dictionary, not the command line.

    On SIGHUP gunicorn reloads: the master builds the application anew from the data (which is
    validated again) and replaces its workers. If the new data cannot be served, the master keeps
    the application it has and says why; the new workers serve the last valid version.
    """

    def __init__(
        self,
        application: Any,
        options: dict[str, Any],
        rebuild: Callable[[], Any] | None = None,
    ) -> None:
        self.application = application
        self.options = options
        self.rebuild = rebuild
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application

    def reload(self) -> None:
        super().reload()
        if self.rebuild is None:
            return
        logger.info("ckpld: reloading the data")
        try:
            fresh = self.rebuild()
        except CkpldError as err:
            logger.error(
                "ckpld: reload refused (%s), still serving the last valid data:\n%s",
                err.title.lower(),
                err.detail,
            )
            return
        except Exception:  # a bug must not stop the server that is serving valid data
            logger.exception("ckpld: reload failed, still serving the last valid data")
            return
        if isinstance(fresh, Flask):
            _warm_caches(fresh, fresh.extensions["ckpld"].settings)
        self.application = self.callable = fresh
        published = getattr(fresh, "extensions", {}).get("ckpld")
        logger.info(
            "ckpld: reloaded, serving data version %s", getattr(published, "version_id", "?")
        )


def options_for(settings: Settings) -> dict[str, Any]:
    """gunicorn's settings for ckpld: production defaults, bound where the settings say."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        # gevent: each connection is a greenlet, so clients that send or read slowly hold no
        # worker (gunicorn's sync and gthread workers give each one a worker or a thread until
        # its request has arrived). Queries run in their own processes (ckpld.store.isolation),
        # and the rest of a request is short, so one greenlet never holds the worker for long.
        "worker_class": "gevent",
        "worker_connections": WORKER_CONNECTIONS,
        # With gevent workers, each request's head must arrive within this many seconds (and
        # an idle kept-alive connection is closed after it): a client that trickles its headers
        # is dropped.
        "keepalive": KEEPALIVE,
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": AccessLog,
        "proc_name": "ckpld",
        "graceful_timeout": 10,
        # A worker silent this long is killed and replaced: longer than any query may run.
        "timeout": int(settings.query_timeout) + 30,
        # Workers are replaced after this many requests (spread out), so no leak can grow.
        "max_requests": settings.max_requests,
        "max_requests_jitter": settings.max_requests // 10,
        "limit_request_line": 8190,  # gunicorn's default, stated: longer request lines get 414
        "limit_request_fields": 100,  # headers per request (gunicorn's default, stated)
        "limit_request_field_size": 8190,  # bytes per header line (likewise)
        # No client, not even one on this host, may set SCRIPT_NAME, PATH_INFO or the scheme
        # through headers: a proxy on the same host that passes such headers on would let its
        # clients poison its cache. ckpld's absolute URLs come from base_iri, never from headers.
        "forwarder_headers": "",
        "forwarded_allow_ips": "",
        # gunicorn's runtime control socket is one fixed path per user: two servers would clash.
        "control_socket_disable": True,
        "post_fork": _bound_worker_memory,
        "post_worker_init": _warm,
        "worker_exit": _leave,
    }


def run(application: Any, settings: Settings, rebuild: Callable[[], Any] | None = None) -> None:
    """Serve `application` with gunicorn until stopped (SIGTERM or SIGINT stop it gracefully).

    The application is built, and the data validated, once in the master process; the workers
    are forked from it and share its memory until they write to it. SIGHUP calls `rebuild`
    for a new application (see `_Gunicorn`).
    """
    # The workers patch the standard library for gevent after the application was loaded (in
    # this process, before the fork): gevent warns that ssl was imported first. ckpld opens TLS
    # connections only to a remote store, from its query processes, where blocking is harmless.
    warnings.filterwarnings("ignore", message="Monkey-patching ssl after ssl has already")
    # The world's outlines (for the home page's map) are read here, once, before the workers
    # fork: a worker, a replacing one included, starts with them (copy-on-write).
    preload(settings.assets_dir)
    # The most asked-for pages, documents and answers too, within `warm_seconds`
    # (ckpld.web.warming).
    _warm_caches(application, settings)
    _Gunicorn(application, options_for(settings), rebuild).run()


def _warm_caches(application: Any, settings: Settings) -> None:
    """Render the most asked-for answers in this process (the master), before the fork."""
    if not isinstance(application, Flask):
        return
    started = time.monotonic()
    answered = warm(application, settings.warm_seconds)
    if answered:  # before gunicorn's logging is set up: to standard error, as `serve` says
        print(
            f"ckpld: {answered} pages and documents rendered for the workers in "
            f"{time.monotonic() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
