"""The dashboard's login session: one HttpOnly, SameSite=Strict cookie, and CSRF checks.

The cookie carries what the dashboard needs to call the API as the user: the
token (or, in noauth mode, only a project), when the login ends, and a random
CSRF value that every form posts back. Nothing in it grants more than the
token itself: the API checks the token and its policies on every call, so a
forged cookie can do no more than its token could.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import falcon
import orjson

from freezer_api.ui.api_client import Credentials

COOKIE = "freezer_ui_session"
COOKIE_PATH = "/ui"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Session:
    credentials: Credentials
    user: str
    expires_at: int  # epoch seconds
    csrf: str
    mode: str  # the auth_strategy it was made under

    @classmethod
    def new(cls, credentials: Credentials, *, user: str, expires_at: int, mode: str) -> Session:
        return cls(credentials, user, expires_at, secrets.token_urlsafe(24), mode)

    def encode(self) -> str:
        data = {
            "t": self.credentials.token,
            "p": self.credentials.project_id,
            "u": self.user,
            "e": self.expires_at,
            "c": self.csrf,
            "m": self.mode,
        }
        return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str, *, mode: str, now: float | None = None) -> Session | None:
        """The session in a cookie value; None when it is malformed, of another auth mode, or expired."""
        try:
            data = orjson.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
            session = cls(
                Credentials(project_id=str(data["p"]), token=None if data["t"] is None else str(data["t"])),
                str(data["u"]),
                int(data["e"]),
                str(data["c"]),
                str(data["m"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if session.mode != mode or session.expires_at <= (now or time.time()):
            return None
        return session

    def csrf_matches(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.csrf.encode())


def is_https(req: falcon.Request) -> bool:
    return req.forwarded_scheme == "https"


def set_cookie(req: falcon.Request, resp: falcon.Response, session: Session, *, secure: bool) -> None:
    resp.set_cookie(
        COOKIE,
        session.encode(),
        max_age=max(0, int(session.expires_at - time.time())),
        path=COOKIE_PATH,
        secure=secure or is_https(req),
        http_only=True,
        same_site="Strict",
    )


def clear_cookie(req: falcon.Request, resp: falcon.Response, *, secure: bool) -> None:
    """Replace the cookie by an empty one that expires at once, with the same attributes."""
    resp.set_cookie(
        COOKIE,
        "",
        max_age=0,
        expires=datetime.fromtimestamp(0, UTC),
        path=COOKIE_PATH,
        secure=secure or is_https(req),
        http_only=True,
        same_site="Strict",
    )


def same_origin(req: falcon.Request) -> bool:
    """Whether a state-changing request may come from a page of this server.

    Browsers say where a request comes from (Sec-Fetch-Site, Origin); a
    cross-site form post is refused whatever cookies it carries. Requests
    naming no origin at all do not come from another site's page.
    """
    if req.get_header("Sec-Fetch-Site") not in (None, "same-origin", "none"):
        return False
    origin = req.get_header("Origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == req.forwarded_host
