"""A SPARQL endpoint for the tests of allowed SERVICE calls: real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading


class OneRowEndpoint:
    """Answers every query with one row (?x = "hello") and records the paths it was asked on."""

    def __init__(self) -> None:
        paths: list[str] = []
        self.paths = paths

        class Answer(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                paths.append(self.path.split("?")[0])
                body = json.dumps(
                    {
                        "head": {"vars": ["x"]},
                        "results": {"bindings": [{"x": {"type": "literal", "value": "hello"}}]},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815 - the name http.server looks up

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
