"""The web dashboard under /ui/: server-rendered pages that are a client of the public API.

`mount` puts it in front of the API's WSGI app: requests under /ui go to the
dashboard, everything else to the API untouched. The dashboard calls the
API in process through that same app (keystonemiddleware, policies and all),
as the logged-in user. README "Dashboard" says why it is built this way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import falcon
from oslo_config import cfg

from freezer_api.api.middleware import RequestIdMiddleware
from freezer_api.auth import WSGIApp
from freezer_api.ui import pages
from freezer_api.ui.login import make_login

STATIC = Path(__file__).parent / "static"

# No inline script or style, nothing from elsewhere, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not no-referrer: with it, browsers send `Origin: null` on this server's own
    # form posts, and the CSRF check reads Origin.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object, succeeded: bool) -> None:
        resp.set_headers(SECURITY_HEADERS)
        if not req.path.startswith(f"{pages.ROOT}/static/"):
            resp.set_header("Cache-Control", "no-store")


def create_ui(conf: cfg.ConfigOpts, api: WSGIApp) -> falcon.App:
    shared = pages.Pages(
        api=api,
        login=make_login(conf),
        templates=pages.make_templates(),
        secure_cookies=conf.ui.secure_cookies,
        page_size=conf.ui.page_size,
    )
    app = falcon.App[falcon.Request, falcon.Response](middleware=[RequestIdMiddleware(), SecurityHeaders()])
    app.req_options.strip_url_path_trailing_slash = True
    app.resp_options.secure_cookies_by_default = False
    app.set_error_serializer(shared.serialize_error)
    root = pages.ROOT
    routes: dict[str, Any] = {
        "": pages.Overview,
        "/login": pages.LoginPage,
        "/logout": pages.LogoutPage,
        "/clients": pages.ClientList,
        "/clients/{client_id}": pages.ClientPage,
        "/jobs": pages.JobList,
        "/jobs/{job_id}": pages.JobPage,
        "/jobs/{job_id}/event": pages.JobEvent,
        "/sessions": pages.SessionList,
        "/sessions/{session_id}": pages.SessionPage,
        "/backups": pages.BackupList,
        "/backups/{backup_id}": pages.BackupPage,
        "/backups/{backup_id}/restore": pages.BackupRestore,
        "/backup-sets": pages.BackupSets,
    }
    for path, resource in routes.items():
        app.add_route(root + path, resource(shared))
    app.add_static_route(f"{root}/static", str(STATIC))
    return app


class WithDashboard:
    """The API's WSGI app with the dashboard in front of it under /ui.

    Anything but the WSGI call is the API app's own (its router, add_route),
    so code that inspects or extends the app that create_app returns works
    unchanged.
    """

    def __init__(self, conf: cfg.ConfigOpts, api: WSGIApp):
        self.api = api
        self.dashboard = create_ui(conf, api)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == pages.ROOT or path.startswith(pages.ROOT + "/"):
            return self.dashboard(environ, start_response)
        return self.api(environ, start_response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)


def mount(conf: cfg.ConfigOpts, api: WSGIApp) -> WSGIApp:
    """The API with the dashboard under /ui (unless [ui] enabled = false)."""
    return WithDashboard(conf, api) if conf.ui.enabled else api
