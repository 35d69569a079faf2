"""The dashboard's pages: each reads what it shows from the public API as the logged-in user."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import falcon
import jinja2
import orjson
from markupsafe import Markup

from freezer_api.auth import WSGIApp
from freezer_api.ui import protection, words
from freezer_api.ui.api_client import ApiClient, ApiError, Page
from freezer_api.ui.login import Login, LoginRefused
from freezer_api.ui.session import COOKIE, CSRF_FIELD, Session, clear_cookie, same_origin, set_cookie

TEMPLATES = Path(__file__).parent / "templates"
ROOT = "/ui"


def _time(value: Any) -> Markup:
    """A time as `3 h ago`, absolute on hover (ui.js turns it into the browser's time zone)."""
    seconds = words.epoch(value)
    if seconds is None:
        return Markup('<span class="muted">never</span>')
    return Markup('<time datetime="{}" data-epoch="{}" title="{}">{}</time>').format(
        words.iso(seconds), int(seconds), words.absolute(seconds), words.relative(seconds)
    )


def make_templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = _time
    environment.filters["schedule"] = words.schedule_in_words
    environment.filters["q"] = lambda value: quote(str(value), safe="")
    environment.globals.update(root=ROOT, csrf_field=CSRF_FIELD, problem_states=protection.PROBLEM_STATES)
    return environment


class Pages:
    """What every page shares: the session, the API client, rendering."""

    def __init__(
        self, *, api: WSGIApp, login: Login, templates: jinja2.Environment, secure_cookies: bool, page_size: int
    ):
        self.api = api
        self.login_strategy = login
        self.templates = templates
        self.secure_cookies = secure_cookies
        self.page_size = page_size

    # --- session -----------------------------------------------------------------

    def session(self, req: falcon.Request) -> Session:
        value = req.cookies.get(COOKIE)
        session = Session.decode(value, mode=self.login_strategy.mode) if value else None
        if session is None:
            target = req.relative_uri if req.method == "GET" else ROOT
            raise falcon.HTTPSeeOther(f"{ROOT}/login?{urlencode({'next': target})}")
        return session

    def client(self, req: falcon.Request, session: Session) -> ApiClient:
        return ApiClient(self.api, session.credentials, request_id=getattr(req.context, "request_id", None))

    def render(
        self, req: falcon.Request, resp: falcon.Response, template: str, *, status: str = falcon.HTTP_200, **values: Any
    ) -> None:
        session: Session | None = values.pop("session", None)
        resp.status = status
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.templates.get_template(template).render(
            session=session,
            mode=self.login_strategy.mode,
            path=req.path,
            query=req.params,
            now=time.time(),
            **values,
        )

    def serialize_error(self, req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError) -> None:
        """An error page for browsers, the API's JSON error body for anything else."""
        description = error.description or error.title
        if req.client_prefers(("application/json", "text/html")) == "text/html":
            resp.content_type = falcon.MEDIA_HTML
            resp.text = self.templates.get_template("error.html").render(
                session=None, mode=self.login_strategy.mode, path=req.path, code=error.status_code, message=description
            )
            return
        resp.content_type = falcon.MEDIA_JSON
        resp.data = orjson.dumps({"title": error.title, "description": description})

    def page_params(self, req: falcon.Request) -> tuple[int, int]:
        offset = req.get_param_as_int("offset", min_value=0) or 0
        return self.page_size, offset

    def with_api(self, req: falcon.Request, resp: falcon.Response, show: Any) -> None:
        """Run a page: the user's session and API client in, the API's refusals out as pages."""
        session = self.session(req)
        api = self.client(req, session)
        try:
            show(session, api)
        except ApiError as error:
            if error.reply.status == 401:
                clear_cookie(req, resp, secure=self.secure_cookies)
                raise falcon.HTTPSeeOther(
                    f"{ROOT}/login?{urlencode({'next': req.relative_uri, 'expired': '1'})}"
                ) from None
            status = error.reply.status if 400 <= error.reply.status < 600 else 502
            self.render(
                req,
                resp,
                "error.html",
                status=falcon.code_to_http_status(status),
                session=session,
                message=error.reply.problem,
                code=status,
            )
        resp.set_header("X-Api-Calls", str(api.calls))

    def require_post(self, req: falcon.Request, session: Session | None) -> dict[str, str]:
        """The form of a state-changing request, once it is shown to come from this dashboard."""
        media = req.get_media(default_when_empty={})
        form = {key: value for key, value in media.items() if isinstance(value, str)} if isinstance(media, dict) else {}
        if not same_origin(req) or (session is not None and not session.csrf_matches(form.get(CSRF_FIELD))):
            raise falcon.HTTPForbidden(
                title="Forbidden", description="This form did not come from this dashboard (CSRF check failed)."
            )
        return form


def _page_links(page: Page, req: falcon.Request) -> dict[str, str | None]:
    def link(offset: int | None) -> str | None:
        if offset is None:
            return None
        params = {key: value for key, value in req.params.items() if key != "offset" and isinstance(value, str)}
        if offset:
            params["offset"] = str(offset)
        return f"{req.path}?{urlencode(params)}" if params else req.path

    return {"previous": link(page.previous_offset), "next": link(page.next_offset)}


class LoginPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        value = req.cookies.get(COOKIE)
        if value and Session.decode(value, mode=self.pages.login_strategy.mode) is not None:
            raise falcon.HTTPSeeOther(_safe_next(req.get_param("next")))
        expired = req.get_param("expired") == "1"
        self.pages.render(
            req,
            resp,
            "login.html",
            next=_safe_next(req.get_param("next")),
            error="Your login has ended; log in again." if expired else None,
        )

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.pages.require_post(req, None)
        target = _safe_next(form.get("next"))
        try:
            session = self.pages.login_strategy.login(form)
        except LoginRefused as refusal:
            self.pages.render(
                req, resp, "login.html", status=falcon.HTTP_401, next=target, error=str(refusal), form=form
            )
            return
        set_cookie(req, resp, session, secure=self.pages.secure_cookies)
        raise falcon.HTTPSeeOther(target)


class LogoutPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.pages.require_post(req, self.pages.session(req))
        clear_cookie(req, resp, secure=self.pages.secure_cookies)
        raise falcon.HTTPSeeOther(f"{ROOT}/login")


def _safe_next(value: str | None) -> str:
    """Only a dashboard path: never an open redirect to another site."""
    if value and (value == ROOT or value.startswith((f"{ROOT}/", f"{ROOT}?"))) and "\\" not in value:
        return value
    return ROOT


class Overview:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        def show(session: Session, api: ApiClient) -> None:
            health = protection.project_health(api)
            recent = api.page("jobs", limit=10, offset=0)
            self.pages.render(
                req,
                resp,
                "overview.html",
                session=session,
                health=health,
                recent=recent.items,
                # the attention list names a job by id; the jobs already read name some of them
                names={job["job_id"]: job.get("description") for job in recent.items},
                job_states=protection.JOB_STATES,
            )

        self.pages.with_api(req, resp, show)


class Listing:
    """One page of a list, with the search box on the kinds that have one."""

    kind = ""
    template = ""
    searchable = False

    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        def show(session: Session, api: ApiClient) -> None:
            limit, offset = self.pages.page_params(req)
            text = req.get_param("q") or ""
            try:
                search = words.parse_search_box(text) if self.searchable else None
            except words.SearchSyntaxError as error:
                self.pages.render(
                    req,
                    resp,
                    self.template,
                    status=falcon.HTTP_400,
                    session=session,
                    page=None,
                    links={},
                    q=text,
                    search_error=str(error),
                )
                return
            try:
                page = api.page(self.kind, limit=limit, offset=offset, search=protection.not_a_poll(search))
            except ApiError as error:
                if error.reply.status != 400 or not text:
                    raise
                self.pages.render(
                    req,
                    resp,
                    self.template,
                    status=falcon.HTTP_400,
                    session=session,
                    page=None,
                    links={},
                    q=text,
                    search_error=error.reply.problem,
                )
                return
            self.pages.render(
                req,
                resp,
                self.template,
                session=session,
                page=page,
                links=_page_links(page, req),
                q=text,
                search_error=None,
            )

        self.pages.with_api(req, resp, show)


class ClientList(Listing):
    kind, template = "clients", "clients.html"


class JobList(Listing):
    kind, template, searchable = "jobs", "jobs.html", True


class SessionList(Listing):
    kind, template = "sessions", "sessions.html"


class BackupList(Listing):
    kind, template, searchable = "backups", "backups.html", True


class ClientPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response, client_id: str) -> None:
        def show(session: Session, api: ApiClient) -> None:
            client = api.require(api.get(f"{api.project}/clients/{client_id}"))
            limit, offset = self.pages.page_params(req)
            jobs = api.page(
                "jobs", limit=limit, offset=offset, search=protection.not_a_poll({"match": [{"client_id": client_id}]})
            )
            health = protection.client_health(api, client_id)
            self.pages.render(
                req,
                resp,
                "client.html",
                session=session,
                client=client,
                jobs=jobs,
                links=_page_links(jobs, req),
                health=health,
            )

        self.pages.with_api(req, resp, show)


JOB_EVENTS = ("start", "stop", "abort")


class JobPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        def show(session: Session, api: ApiClient) -> None:
            job = api.require(api.get(f"{api.project}/jobs/{job_id}"))
            health = protection.job_health(api, job_id)
            runs = protection.job_runs(api, job_id)
            self.pages.render(
                req,
                resp,
                "job.html",
                session=session,
                job=job,
                health=health,
                runs=runs,
                bars=protection.runs_chart(runs),
                events=JOB_EVENTS,
                notice=req.get_param("notice"),
            )

        self.pages.with_api(req, resp, show)


class JobEvent:
    """POST /ui/jobs/{job_id}/event: start, stop or abort, confirmed in the page's form."""

    def __init__(self, pages: Pages):
        self.pages = pages

    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: str) -> None:
        def act(session: Session, api: ApiClient) -> None:
            form = self.pages.require_post(req, session)
            event = form.get("event")
            if event not in JOB_EVENTS:
                raise falcon.HTTPBadRequest(title="Unknown event", description="The event is start, stop or abort.")
            result = api.require(api.post(f"{api.project}/jobs/{job_id}/event", {event: None}))
            notice = f"{event}: {result.get('result', 'sent')}"
            raise falcon.HTTPSeeOther(f"{ROOT}/jobs/{quote(job_id, safe='')}?{urlencode({'notice': notice})}")

        self.pages.with_api(req, resp, act)


class SessionPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response, session_id: str) -> None:
        def show(session: Session, api: ApiClient) -> None:
            document = api.require(api.get(f"{api.project}/sessions/{session_id}"))
            self.pages.render(req, resp, "session.html", session=session, document=document)

        self.pages.with_api(req, resp, show)


class BackupPage:
    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        def show(session: Session, api: ApiClient) -> None:
            backup = api.require(api.get(f"{api.project}/backups/{backup_id}"))
            self.pages.render(req, resp, "backup.html", session=session, backup=backup)

        self.pages.with_api(req, resp, show)


class BackupSets:
    """Backup sets and their restore points: the routes of issue 15, through the adapter."""

    def __init__(self, pages: Pages):
        self.pages = pages

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        def show(session: Session, api: ApiClient) -> None:
            limit, offset = self.pages.page_params(req)
            sets = protection.backup_sets(api, limit=limit, offset=offset)
            self.pages.render(req, resp, "backup_sets.html", session=session, sets=sets)

        self.pages.with_api(req, resp, show)


class BackupRestore:
    """POST /ui/backups/{backup_id}/restore: the restore-from-catalog route (issue 15), then its job's page."""

    def __init__(self, pages: Pages):
        self.pages = pages

    def on_post(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        def act(session: Session, api: ApiClient) -> None:
            form = self.pages.require_post(req, session)
            body = {
                "client_id": form.get("client_id", "").strip(),
                "restore_abs_path": form.get("restore_abs_path", "").strip(),
            }
            job_id = api.require(protection.restore(api, backup_id, body))["job_id"]
            raise falcon.HTTPSeeOther(
                f"{ROOT}/jobs/{quote(job_id, safe='')}?{urlencode({'notice': 'restore job created'})}"
            )

        self.pages.with_api(req, resp, act)
