"""GET /openapi.json and the interactive documentation at /docs (Swagger UI).

Swagger UI's files come from the swagger-ui-py package and are served by the
app itself: the page needs no network beyond this server.
"""

from __future__ import annotations

import html
from importlib.util import find_spec
from pathlib import Path

import falcon

from freezer_api.api.openapi import document_bytes

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/static"
OPENAPI_PATH = "/openapi.json"


def swagger_ui_assets() -> Path:
    """Where the swagger-ui-py package keeps Swagger UI's static files (without importing it)."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


class OpenAPIResource:
    def __init__(self) -> None:
        self.body = document_bytes()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data = self.body
        resp.content_type = falcon.MEDIA_JSON


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Freezer API</title>
  <link rel="stylesheet" href="{assets}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{assets}/swagger-ui-bundle.js"></script>
  <script>
    // Browsers send no body with GET: a list's search object goes in its
    // `search` parameter; one typed in the body editor is moved there.
    function searchInQuery(request) {{
      if ((request.method === "GET" || request.method === "HEAD") && request.body !== undefined) {{
        var url = new URL(request.url, window.location.href);
        if (!url.searchParams.has("search") && String(request.body).trim()) {{
          url.searchParams.set("search", String(request.body));
          request.url = url.toString();
        }}
        delete request.body;
      }}
      return request;
    }}
    window.ui = SwaggerUIBundle({{
      url: "{spec}",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      requestInterceptor: searchInQuery
    }});
  </script>
</body>
</html>
"""


class DocsPage:
    """Swagger UI over /openapi.json; `validatorUrl: null` keeps it from calling out."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        root = html.escape(req.root_path or "", quote=True)
        resp.text = _PAGE.format(assets=root + ASSETS_PATH, spec=root + OPENAPI_PATH)
        resp.content_type = falcon.MEDIA_HTML


def add_routes(app: falcon.App) -> None:
    app.add_route(OPENAPI_PATH, OpenAPIResource())
    app.add_route(DOCS_PATH, DocsPage())
    app.add_static_route(ASSETS_PATH, str(swagger_ui_assets()))
