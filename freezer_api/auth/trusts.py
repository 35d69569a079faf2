"""Keystone trusts for jobs run by central schedulers (docs/jobs.md#trusts).

When a job is created for a central client (or for any client with
`[centralized_scheduler] enforce_trusts`), the calling user delegates roles
in the job's project to the service user named by `auth_section` (the
trustee), so that a central scheduler can later act in that project with a
trust-scoped token. The trust is made with the caller's own token, without
impersonation or re-delegation, and reused for the caller's next jobs in the
same project. Options: freezer_api/conf/centralized_scheduler.py.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import session as ks_session
from oslo_config import cfg

from freezer_api.auth import keystone
from freezer_api.context import RequestContext
from freezer_api.domain.errors import Forbidden, Unavailable, Unprocessable

LOG = logging.getLogger(__name__)

MISSING = "Missing required credentials"
# Seconds a call to Keystone may take when [keystone_authtoken] http_connect_timeout is unset.
DEFAULT_TIMEOUT = 30


def make_trust_broker(conf: cfg.ConfigOpts) -> KeystoneTrusts | None:
    """The trust broker the jobs domain uses; None (no trusts) unless auth_strategy = keystone."""
    if conf.auth_strategy != "keystone":
        return None
    return KeystoneTrusts(conf)


class KeystoneTrusts:
    def __init__(self, conf: cfg.ConfigOpts):
        keystone.register_opts(conf)
        self._conf = conf
        self._options = conf.centralized_scheduler
        self._session = _session(conf[keystone.GROUP])
        self._lock = threading.Lock()
        self._service_auth: ks_plugin.BaseAuthPlugin | None = None
        self._identity_url: str | None = None

    def credentials_for_new_job(self, ctx: RequestContext, project_id: str, *, client_is_central: bool) -> dict | None:
        """`user_credentials` for a job created by `ctx` in `project_id`, or None when no trust applies."""
        if not (self._options.enabled and (self._options.enforce_trusts or client_is_central)):
            return None
        if not ctx.auth_token:
            raise Unprocessable(f"{MISSING}: the request carries no token to delegate from.")
        roles = self._delegated_roles(ctx)
        with _keystone_errors("create a trust"):
            trustee_id = self._service_user_id()
            trust = self._find_trust(ctx, trustee_id, project_id) or self._create_trust(
                ctx, trustee_id, project_id, roles
            )
        return {"trust_id": trust["id"], "trustor_user_id": ctx.user_id}

    def release(self, ctx: RequestContext, user_credentials: dict, *, still_used: bool) -> None:
        """A job holding these credentials was deleted: delete its trust unless another job uses it.

        Best effort: the job is gone already, so a trust that cannot be
        deleted is logged, not reported to the caller.
        """
        trust_id = (user_credentials or {}).get("trust_id")
        if still_used or not trust_id:
            return
        try:
            self.delete_trust(ctx, trust_id)
        except Exception as error:  # any failure is logged for the operator, never fails the delete
            LOG.warning(
                "trust %s of a deleted job was not deleted: %s; delete it with 'openstack trust delete %s'",
                trust_id,
                error,
                trust_id,
            )

    def delete_trust(self, ctx: RequestContext, trust_id: str) -> None:
        """Delete the trust as the caller, else as the service user (an admin may delete any)."""
        url = f"{self._identity()}/OS-TRUST/trusts/{trust_id}"
        try:
            self._as_caller(ctx, "DELETE", url)
        except ksa_exceptions.NotFound:
            return
        except (ksa_exceptions.Forbidden, ksa_exceptions.Unauthorized):
            try:
                self._session.delete(url, auth=self._service())
            except ksa_exceptions.NotFound:
                return

    def _delegated_roles(self, ctx: RequestContext) -> list[str]:
        roles = [role for role in self._options.trusts_delegated_roles if role.strip()]
        if not roles:
            token = (ctx.token_info or {}).get("token") or {}
            roles = [role["name"] for role in token.get("roles", []) if role.get("name")] or list(ctx.roles)
        if not roles:
            raise Unprocessable(
                f"{MISSING}: no roles to delegate (the token has none and "
                "[centralized_scheduler] trusts_delegated_roles is empty)."
            )
        return roles

    def _find_trust(self, ctx: RequestContext, trustee_id: str, project_id: str) -> dict | None:
        reply = self._as_caller(
            ctx, "GET", f"{self._identity()}/OS-TRUST/trusts", params={"trustor_user_id": ctx.user_id}
        )
        for trust in reply.json().get("trusts", []):
            if (
                trust.get("trustee_user_id") == trustee_id
                and trust.get("project_id") == project_id
                and not trust.get("impersonation")
                and trust.get("expires_at") is None
                and trust.get("remaining_uses") is None
            ):
                return trust
        return None

    def _create_trust(self, ctx: RequestContext, trustee_id: str, project_id: str, roles: list[str]) -> dict:
        body = {
            "trust": {
                "trustor_user_id": ctx.user_id,
                "trustee_user_id": trustee_id,
                "project_id": project_id,
                "impersonation": False,
                "allow_redelegation": False,
                "roles": [{"name": role} for role in roles],
            }
        }
        reply = self._as_caller(ctx, "POST", f"{self._identity()}/OS-TRUST/trusts", json=body)
        trust = reply.json()["trust"]
        LOG.info(
            "trust %s: user %s delegates %s in project %s to %s",
            trust["id"],
            ctx.user_id,
            ",".join(roles),
            project_id,
            trustee_id,
        )
        return trust

    def _as_caller(self, ctx: RequestContext, method: str, url: str, **kwargs: Any) -> Any:
        return self._session.request(
            url, method, headers={"X-Auth-Token": ctx.auth_token}, authenticated=False, **kwargs
        )

    def _service(self) -> ks_plugin.BaseAuthPlugin:
        """The trustee's auth plugin, loaded from the auth_section (once)."""
        with self._lock:
            if self._service_auth is None:
                section = self._options.auth_section
                ks_loading.register_auth_conf_options(self._conf, section)
                try:
                    auth = ks_loading.load_auth_from_conf_options(self._conf, section)
                except ksa_exceptions.MissingRequiredOptions as error:
                    raise Unprocessable(f"{MISSING}: the service user in [{section}] lacks {error}.") from None
                if auth is None:
                    raise Unprocessable(f"{MISSING}: [{section}] names no service user (auth_type is not set).")
                self._service_auth = auth
            return self._service_auth

    def _service_user_id(self) -> str:
        user_id = self._service().get_user_id(self._session)
        if not user_id:
            raise Unprocessable(f"{MISSING}: the service user's id is unknown.")
        return user_id

    def _identity(self) -> str:
        """Keystone's v3 URL, from the catalog the service user sees."""
        if self._identity_url is None:
            with _keystone_errors("find the identity service"):
                url = self._session.get_endpoint(
                    auth=self._service(),
                    service_type="identity",
                    interface=self._conf[keystone.GROUP].interface,
                    version=(3, 0),
                )
            if not url:
                raise Unavailable("The identity service is not in the service catalog.")
            self._identity_url = url.rstrip("/")
        return self._identity_url


def _session(section: Any) -> ks_session.Session:
    """A keystoneauth session with the TLS settings of [keystone_authtoken]."""
    verify = False if section.insecure else (section.cafile or True)
    cert = (section.certfile, section.keyfile) if section.certfile and section.keyfile else None
    return ks_session.Session(verify=verify, cert=cert, timeout=section.http_connect_timeout or DEFAULT_TIMEOUT)


@contextlib.contextmanager
def _keystone_errors(doing: str) -> Iterator[None]:
    """Keystone's answers as domain errors: unknown roles or users 422, refusals 403, else 503.

    docs/original-defects.md#d34
    """
    try:
        yield
    except ksa_exceptions.NotFound as error:
        raise Unprocessable(f"{MISSING}: Keystone could not {doing}: {_message(error)}") from None
    except ksa_exceptions.Forbidden as error:
        raise Forbidden(f"Keystone refused to {doing} for this caller: {_message(error)}") from None
    except ksa_exceptions.ClientException as error:
        LOG.error("Keystone could not %s: %s", doing, error)
        raise Unavailable(f"Keystone could not {doing}; try again later.") from None


def _message(error: ksa_exceptions.ClientException) -> str:
    response = getattr(error, "response", None)
    if response is None:
        return str(error)
    try:
        return response.json()["error"]["message"]
    except Exception:  # any unexpected body: fall back to the exception text
        return str(error)
