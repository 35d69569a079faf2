"""Authentication strategies: each turns a request into a RequestContext or refuses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from oslo_config import cfg

from freezer_api.context import RequestContext

# `header(name)`: the value of a request header, or None.
HeaderLookup = Callable[[str], str | None]
# A WSGI application (PEP 3333).
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


class Authenticator(Protocol):
    def identify(self, header: HeaderLookup, environ: dict | None = None) -> RequestContext | None:
        """The caller's identity from the request headers, or None (401).

        `header(name)` gives the value of a request header, or None;
        `environ` is the WSGI environment (keystonemiddleware leaves token data there).
        """


def make_authenticator(conf: cfg.ConfigOpts) -> Authenticator:
    strategy = conf.auth_strategy
    if strategy == "noauth":
        from freezer_api.auth.noauth import HeaderIdentity

        return HeaderIdentity()
    if strategy == "token":
        from freezer_api.auth.tokens import StaticTokens, tokens_file

        return StaticTokens(tokens_file(conf))
    if strategy == "keystone":
        from freezer_api.auth.keystone import KeystoneIdentity

        return KeystoneIdentity()
    raise ValueError(f"auth_strategy {strategy!r} is not available in this build")


def wrap_wsgi(conf: cfg.ConfigOpts, app: WSGIApp) -> WSGIApp:
    """The WSGI app as served: behind keystonemiddleware for auth_strategy = keystone."""
    if conf.auth_strategy != "keystone":
        return app
    from freezer_api.auth.keystone import protect

    return protect(app, conf)
