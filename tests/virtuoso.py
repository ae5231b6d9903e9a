"""A real Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1, configured from deploy/virtuoso/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ckpld.store import Term
from tests.store_servers import free_port, stop_group, wait_for_endpoint

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "virtuoso" / "virtuoso.ini"
XSD = "http://www.w3.org/2001/XMLSchema#"
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator; the server listens on loopback


class Virtuoso:
    """A Virtuoso server with an empty database in a temporary folder; `stop()` removes both."""

    def __init__(self, buffers: int = 20000, time_limit: int = 3) -> None:
        binary = shutil.which("virtuoso-t")
        if binary is None:
            raise RuntimeError("virtuoso-t is missing: `make test` installs virtuoso-opensource")
        self.root = Path(tempfile.mkdtemp(prefix="ckpld-virtuoso-"))
        self.http_port, sql_port = free_port(), free_port()
        config = TEMPLATE.read_text(encoding="utf-8")
        for name, value in {
            "root": str(self.root),
            "sql_port": str(sql_port),
            "http_port": str(self.http_port),
        }.items():
            config = config.replace("{" + name + "}", value)
        config = config.replace("NumberOfBuffers     = 170000", f"NumberOfBuffers     = {buffers}")
        config = config.replace(
            "MaxDirtyBuffers     = 130000", f"MaxDirtyBuffers     = {buffers * 3 // 4}"
        )
        config = config.replace(
            "MaxQueryExecutionTime      = 15", f"MaxQueryExecutionTime      = {time_limit}"
        )
        (self.root / "virtuoso.ini").write_text(config, encoding="utf-8")
        self.log = open(self.root / "stdout.log", "w")
        self.process = subprocess.Popen(
            [binary, "-f", "-c", "virtuoso.ini"],
            cwd=self.root,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.endpoint = self.url + "/sparql"
        self.update_endpoint = self.url + "/sparql-auth"  # SPARQL Update, HTTP Digest

    def wait_until_ready(self, timeout: float = 60) -> None:
        try:
            wait_for_endpoint(
                self.endpoint, self.process,
                lambda: (self.root / "stdout.log").read_text(), "virtuoso-t", timeout,
            )  # fmt: skip
        except RuntimeError:
            self.stop()
            raise

    def load(self, env: dict[str, str], timeout: float = 300) -> None:
        """Load ckpld's data with `ckpld load`, as a deployer would."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CKPLD_")}
        environment["CKPLD_RELEASES_DIR"] = str(self.root / "releases")
        environment.update(env)
        environment["CKPLD_STORE_PASSWORD"] = PASSWORD
        done = subprocess.run(
            [
                sys.executable, "-m", "ckpld", "load", "--into", self.update_endpoint,
                "--user", USER, "--digest", "--out", str(self.root / "dumps"),
            ],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"ckpld load failed: {done.stderr}")

    def stop(self) -> None:
        stop_group(self.process)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def as_virtuoso_answers(term: Term | None) -> Term | None:
    """A term as Virtuoso answers it. Its one deviation in ckpld's tests: a boolean a query
    computes (`BIND(EXISTS {…} AS ?x)`) comes back as xsd:integer 1 or 0 (docs/stores.md, "Remote
    store")."""
    if isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(XSD + "boolean"):
        value = "1" if term.value == "true" else "0"
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
    return term
