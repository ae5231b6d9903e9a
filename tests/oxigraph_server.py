"""A real Oxigraph server (PyPI `oxigraph`, `oxigraph serve`) on 127.0.0.1, as a remote store.

The second real store behind ckpld's remote mode, beside Virtuoso: the same engine as the embedded
store, behind its own HTTP server, filled by `ckpld load` over the Graph Store Protocol or SPARQL
Update as a deployer would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.store_servers import free_port, stop_group, wait_for_endpoint

ROOT = Path(__file__).resolve().parent.parent


def binary() -> str:
    """The `oxigraph` program of the test environment (`make test` installs the PyPI package)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("oxigraph is missing: `make test` installs the PyPI package oxigraph")
    return found


class OxigraphServer:
    """`oxigraph serve` on an empty database in a temporary folder; `stop()` removes both."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ckpld-oxigraph-"))
        port = free_port()
        self.log = open(self.root / "stdout.log", "w")
        self.process = subprocess.Popen(
            [binary(), "serve", "--location", str(self.root / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.endpoint = self.url + "/query"
        self.update_endpoint = self.url + "/update"
        self.store_endpoint = self.url + "/store"  # the Graph Store Protocol

    def wait_until_ready(self, timeout: float = 60) -> None:
        try:
            wait_for_endpoint(
                self.endpoint, self.process,
                lambda: (self.root / "stdout.log").read_text(), "oxigraph", timeout,
            )  # fmt: skip
        except RuntimeError:
            self.stop()
            raise

    def load(self, env: dict[str, str], protocol: str = "gsp", timeout: float = 300) -> str:
        """Load ckpld's data with `ckpld load` over `protocol` ("gsp" or "update"); its output."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment["CKPLD_RELEASES_DIR"] = str(self.root / f"releases-{protocol}")
        environment.update(env)
        into = self.store_endpoint if protocol == "gsp" else self.update_endpoint
        done = subprocess.run(
            [
                sys.executable, "-m", "ckpld", "load", "--into", into, "--protocol", protocol,
                "--out", str(self.root / f"dumps-{protocol}"),
            ],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"ckpld load failed: {done.stderr}")
        return done.stdout

    def stop(self) -> None:
        stop_group(self.process)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)
