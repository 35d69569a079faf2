"""How a user logs in to the dashboard, per auth_strategy: a token, Keystone credentials, or nothing (noauth)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from oslo_config import cfg

from freezer_api.auth import make_authenticator
from freezer_api.ui.api_client import Credentials
from freezer_api.ui.session import Session

LOG = logging.getLogger(__name__)


class LoginRefused(Exception):
    """What to tell the user on the login form."""


class Login(Protocol):
    mode: str

    def login(self, form: Mapping[str, str]) -> Session: ...


class TokenLogin:
    """auth_strategy = token: the form takes a static token, checked by the server's own authenticator."""

    mode = "token"

    def __init__(self, conf: cfg.ConfigOpts):
        self.authenticator = make_authenticator(conf)
        self.lifetime = conf.ui.session_lifetime

    def login(self, form: Mapping[str, str]) -> Session:
        token = form.get("token", "").strip()
        if not token:
            raise LoginRefused("Enter your token.")
        ctx = self.authenticator.identify(lambda name: token if name.lower() == "x-auth-token" else None)
        if ctx is None:
            raise LoginRefused("This token is not valid here.")
        return Session.new(
            Credentials(ctx.project_id, token),
            user=ctx.user_name or ctx.user_id,
            expires_at=int(time.time()) + self.lifetime,
            mode=self.mode,
        )


class KeystoneLogin:
    """auth_strategy = keystone: a Keystone token for the user, through keystoneauth; the password is never kept."""

    mode = "keystone"

    def __init__(self, conf: cfg.ConfigOpts):
        from freezer_api.auth.keystone import GROUP, register_opts

        register_opts(conf)
        self.auth_url = conf.ui.keystone_auth_url or conf[GROUP].www_authenticate_uri
        self.lifetime = conf.ui.session_lifetime

    def login(self, form: Mapping[str, str]) -> Session:
        from keystoneauth1 import exceptions
        from keystoneauth1 import session as keystone_session
        from keystoneauth1.identity import v3

        username, password = form.get("username", "").strip(), form.get("password", "")
        project, domain = form.get("project", "").strip(), form.get("domain", "").strip() or "Default"
        if not (username and password and project):
            raise LoginRefused("Enter your user name, password and project.")
        if not self.auth_url:
            raise LoginRefused("The server does not know its Keystone URL ([ui] keystone_auth_url).")
        auth = v3.Password(
            auth_url=self.auth_url,
            username=username,
            password=password,
            user_domain_name=domain,
            project_name=project,
            project_domain_name=domain,
        )
        try:
            access = auth.get_access(keystone_session.Session(auth=auth))
        except exceptions.Unauthorized:
            raise LoginRefused("Keystone refused this user name, password or project.") from None
        except (exceptions.ConnectFailure, exceptions.DiscoveryFailure, exceptions.RequestTimeout):
            LOG.warning("the dashboard could not reach Keystone at %s", self.auth_url)
            raise LoginRefused("Keystone could not be reached; try again later.") from None
        if not access.project_id:
            raise LoginRefused("Keystone gave a token without a project: name a project you have a role in.")
        expires: datetime | None = access.expires
        end = int(time.time()) + self.lifetime
        if expires is not None:
            end = min(end, int(expires.timestamp()))
        return Session.new(
            Credentials(access.project_id, access.auth_token), user=username, expires_at=end, mode=self.mode
        )


class NoauthLogin:
    """auth_strategy = noauth: no identity to check; the form only picks the project to look at."""

    mode = "noauth"

    def __init__(self, conf: cfg.ConfigOpts):
        self.lifetime = conf.ui.session_lifetime

    def login(self, form: Mapping[str, str]) -> Session:
        project = form.get("project", "").strip() or "default"
        return Session.new(
            Credentials(project), user="noauth", expires_at=int(time.time()) + self.lifetime, mode=self.mode
        )


def make_login(conf: cfg.ConfigOpts) -> Login:
    strategies: dict[str, type[TokenLogin] | type[KeystoneLogin] | type[NoauthLogin]] = {
        "token": TokenLogin,
        "keystone": KeystoneLogin,
        "noauth": NoauthLogin,
    }
    return strategies[conf.auth_strategy](conf)
