"""Webhooks: a project's subscriptions to its events, delivered as signed HTTP POSTs (docs/observability.md#webhooks).

The domain keeps the rules: what a registration must say, that its target
is not an internal address (the adapter behind WebhookTargets resolves and
checks it), that each project sees only its own webhooks. Delivering is an
adapter's work (freezer_api/events/webhooks.py).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from freezer_api.context import RequestContext
from freezer_api.domain.errors import BadRequest, not_found
from freezer_api.domain.ids import is_possible_id, new_id
from freezer_api.domain.schemas import webhooks as schemas
from freezer_api.domain.validation import require_object, validate

T = TypeVar("T")
Shown = list[dict[str, Any]]


class WebhookTargets(Protocol):
    def refusal(self, url: str) -> str | None:
        """Why the server may not call `url`, or None."""
        ...


class WebhookRepository(Protocol):
    def add(
        self,
        project_id: str,
        webhook_id: str,
        user_id: str,
        url: str,
        events: list[str],
        secret: str,
        created_at: float,
    ) -> None: ...

    def show(self, project_id: str, webhook_id: str) -> dict[str, Any] | None: ...

    def page_shown(self, project_id: str, *, limit: int, offset: int) -> list[dict[str, Any]]: ...

    def remove(self, project_id: str, webhook_id: str) -> bool:
        """Delete the webhook and its deliveries; whether it existed."""
        ...

    def deliveries_of(
        self, project_id: str, webhook_id: str, *, limit: int, offset: int
    ) -> list[dict[str, Any]] | None:
        """The webhook's deliveries, oldest first; None when it does not exist."""
        ...


class WebhookUnit(Protocol):
    @property
    def webhooks(self) -> WebhookRepository: ...


class WebhookStore(Protocol):
    def atomic(self, change: Callable[[Any], T]) -> T: ...
    def reading(self) -> Any: ...


class Webhooks:
    noun = "webhook"

    def __init__(self, store: WebhookStore, targets: WebhookTargets | None):
        self.store = store
        self.targets = targets

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> dict[str, str]:
        """Register a webhook; {"webhook_id"} and, when the server made it, the secret (shown this once)."""
        registration = require_object(body)
        validate(schemas.CREATE, registration)
        url: str = registration["url"]
        refusal = self.targets.refusal(url) if self.targets is not None else "This server delivers no webhooks."
        if refusal is not None:
            raise BadRequest(refusal)
        made_secret = "secret" not in registration
        secret: str = registration.get("secret") or secrets.token_urlsafe(32)
        webhook_id = new_id()
        events: list[str] = list(registration["events"])
        created_at = time.time()

        def change(uow: WebhookUnit) -> None:
            uow.webhooks.add(project_id, webhook_id, ctx.user_id, url, events, secret, created_at)

        self.store.atomic(change)
        return {"webhook_id": webhook_id, **({"secret": secret} if made_secret else {})}

    def list(self, project_id: str, *, limit: int, offset: int) -> Shown:
        with self.store.reading() as uow:
            shown: Shown = uow.webhooks.page_shown(project_id, limit=limit, offset=offset)
            return shown

    def get(self, project_id: str, webhook_id: str) -> dict[str, Any]:
        if is_possible_id(webhook_id):
            with self.store.reading() as uow:
                shown: dict[str, Any] | None = uow.webhooks.show(project_id, webhook_id)
            if shown is not None:
                return shown
        raise not_found(self.noun, webhook_id, project_id)

    def delete(self, project_id: str, webhook_id: str) -> None:
        if not is_possible_id(webhook_id) or not self.store.atomic(
            lambda uow: uow.webhooks.remove(project_id, webhook_id)
        ):
            raise not_found(self.noun, webhook_id, project_id)

    def deliveries(self, project_id: str, webhook_id: str, *, limit: int, offset: int) -> Shown:
        found = None
        if is_possible_id(webhook_id):
            with self.store.reading() as uow:
                found = uow.webhooks.deliveries_of(project_id, webhook_id, limit=limit, offset=offset)
        if found is None:
            raise not_found(self.noun, webhook_id, project_id)
        return list(found)
