"""Running the application under gunicorn, the production server behind `ckpld serve`."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from ckpld.config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn serving one WSGI application, configured from a dictionary, not the command line."""

    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run(application: Any, settings: Settings) -> None:
    """Serve `application` with gunicorn until stopped (SIGTERM or SIGINT stop it gracefully).

    The application is built, and the data validated, once in the master process; the workers
    are forked from it and share its memory until they write to it.
    """
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "ckpld",
        "graceful_timeout": 10,
        # gunicorn's runtime control socket is one fixed path per user: two servers would clash.
        "control_socket_disable": True,
    }
    _Gunicorn(application, options).run()
