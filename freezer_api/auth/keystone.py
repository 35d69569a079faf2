"""auth_strategy = keystone: keystonemiddleware's auth_token validates the token.

auth_token runs in front of the Falcon app with `delay_auth_decision`, so it
never answers by itself: it strips identity headers a caller may have forged,
validates X-Auth-Token with Keystone and sets X-Identity-Status and the
X-User-Id, X-Project-Id, X-Roles, ... headers. KeystoneIdentity turns those
into a RequestContext; the app answers 401 (JSON) to anything not Confirmed,
and auth_token adds `WWW-Authenticate: Keystone uri=...` to such answers.
Public paths pass without a token.
"""

from __future__ import annotations

from typing import Any

from keystoneauth1 import exceptions as ksa_exceptions
from keystonemiddleware import auth_token
from keystonemiddleware.auth_token import _exceptions as ksm_exceptions
from oslo_config import cfg

from freezer_api.auth import HeaderLookup, WSGIApp
from freezer_api.auth.noauth import split_roles
from freezer_api.context import RequestContext
from freezer_api.domain.errors import Unavailable

GROUP = "keystone_authtoken"
SERVICE_TYPE = "backup"

# WSGI environ keys: set by auth_token (token data), and by us when Keystone
# could not be asked (the request is then answered 503, not 401).
TOKEN_INFO = "keystone.token_info"
IDENTITY_UNAVAILABLE = "freezer_api.identity_unavailable"

_OUTAGES = (
    ksa_exceptions.ConnectFailure,
    ksa_exceptions.DiscoveryFailure,
    ksa_exceptions.RequestTimeout,
    ksm_exceptions.ServiceError,
)


def register_opts(conf: cfg.ConfigOpts) -> None:
    """keystonemiddleware's [keystone_authtoken] options (its own sample namespace)."""
    for group, opts in auth_token.list_opts():
        conf.register_opts(opts, group=group)


def configuration_problems(conf: cfg.ConfigOpts) -> list[str]:
    """What keeps auth_token from validating tokens, in words an operator can act on."""
    register_opts(conf)
    section = conf[GROUP]
    problems = []
    if not section.auth_type:
        problems.append(
            f"[{GROUP}] auth_type is not set: give the credentials of the service user that validates "
            "tokens (auth_type = password, auth_url, username, password, project_name, "
            "user_domain_name, project_domain_name)"
        )
    if not section.www_authenticate_uri:
        problems.append(f"[{GROUP}] www_authenticate_uri is not set: the public Keystone URL clients authenticate at")
    return problems


class _AuthToken(auth_token.AuthProtocol):
    """auth_token that tells the app when Keystone could not be reached.

    With delay_auth_decision, auth_token treats an unreachable Keystone like
    a bad token; the caller should rather hear 503 and retry.
    """

    def fetch_token(self, token: str, **kwargs: Any) -> Any:
        try:
            return super().fetch_token(token, **kwargs)
        except ksm_exceptions.InvalidToken as error:
            if isinstance(error.__context__, _OUTAGES):
                raise _KeystoneUnreachable() from error
            raise

    def process_request(self, request: Any) -> Any:
        try:
            return super().process_request(request)
        except _KeystoneUnreachable:
            request.environ[IDENTITY_UNAVAILABLE] = True
            return None


class _KeystoneUnreachable(Exception):
    pass


def protect(app: WSGIApp, conf: cfg.ConfigOpts) -> WSGIApp:
    """The WSGI app behind auth_token, configured from [keystone_authtoken]."""
    register_opts(conf)
    overrides = {"oslo_config_config": conf, "delay_auth_decision": "true"}
    if not conf[GROUP].service_type:
        # Needed to honour access rules of application credentials.
        overrides["service_type"] = SERVICE_TYPE
    return _AuthToken(app, overrides)


class KeystoneIdentity:
    """The caller as auth_token confirmed it."""

    def identify(self, header: HeaderLookup, environ: dict | None = None) -> RequestContext | None:
        environ = environ or {}
        if environ.get(IDENTITY_UNAVAILABLE):
            raise Unavailable("The identity service (Keystone) could not be reached to validate the token.")
        if header("X-Identity-Status") != "Confirmed":
            return None
        user_id, project_id = header("X-User-Id"), header("X-Project-Id")
        if not user_id or not project_id:
            # Domain- and system-scoped tokens: every route here is per project.
            return None
        return RequestContext(
            user_id=user_id,
            project_id=project_id,
            roles=split_roles(header("X-Roles") or ""),
            user_name=header("X-User-Name"),
            auth_token=header("X-Auth-Token"),
            token_info=environ.get(TOKEN_INFO),
        )
