"""The ceiling: a bare Falcon app answering every GET with one fixed JSON document.

Served by granian with the options `freezer-api` uses, so the gap between this
and get_backup is what our application costs per request.

    python -m bench.ceiling DOCUMENT.json --port 9191 --workers 2 --threads 8
"""

from __future__ import annotations

import argparse
import os

import falcon

DOCUMENT_ENV = "BENCH_CEILING_DOCUMENT"


class FixedDocument:
    def __init__(self, body: bytes):
        self.body = body

    def on_get(self, req: falcon.Request, resp: falcon.Response, **_params) -> None:
        resp.data = self.body
        resp.content_type = falcon.MEDIA_JSON


def build_application() -> falcon.App:
    with open(os.environ[DOCUMENT_ENV], "rb") as document:
        resource = FixedDocument(document.read())
    app = falcon.App()
    app.add_sink(resource.on_get, "/")
    return app


_application: falcon.App | None = None


def application(environ, start_response):
    """The same app as a module-level WSGI callable, for servers that cannot call a factory (uWSGI)."""
    global _application
    if _application is None:
        _application = build_application()
    return _application(environ, start_response)


def main() -> None:
    from granian.constants import Interfaces
    from granian.server import Server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", help="file holding the JSON document to answer with")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, required=True, help="blocking threads per worker, as freezer-api")
    args = parser.parse_args()
    os.environ[DOCUMENT_ENV] = os.path.abspath(args.document)
    Server(
        target="bench.ceiling:build_application",
        factory=True,
        interface=Interfaces.WSGI,
        address="127.0.0.1",
        port=args.port,
        workers=args.workers,
        blocking_threads=args.threads,
        backpressure=args.threads,
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
