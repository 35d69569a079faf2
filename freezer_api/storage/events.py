"""The event outbox, the channels' leases and positions, webhooks and their deliveries.

Like the document repositories these run compiled statements on the unit of
work's DBAPI connection; unlike them they serve the delivery loops
(freezer_api/events/) and the webhook API, not the hot request path, apart
from EventRepository.add, which the writing transaction calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, delete, exists, func, insert, literal_column, null, or_, select, update
from sqlalchemy.sql.elements import ColumnClause

from freezer_api.domain.events import Event
from freezer_api.storage.cursors import Statements
from freezer_api.storage.queries import CompiledQuery
from freezer_api.storage.tables import EVENT_CONSUMERS, EVENTS, WEBHOOK_DELIVERIES, WEBHOOKS

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
# Constants written into the SQL text (compiled statements take only named values).
_PENDING: ColumnClause[str] = literal_column(f"'{PENDING}'")
_ZERO: ColumnClause[int] = literal_column("0")


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    event_id: str
    event_type: str
    priority: str
    project_id: str
    payload: str  # JSON text
    created_at: float

    def payload_object(self) -> dict[str, Any]:
        loaded: dict[str, Any] = orjson.loads(self.payload)
        return loaded


@dataclass(frozen=True)
class WebhookRow:
    seq: int
    project_id: str
    webhook_id: str
    user_id: str
    url: str
    events: list[str]
    secret: str
    created_at: float

    def public(self) -> dict[str, Any]:
        """The webhook as the API shows it: never its secret."""
        return {
            "webhook_id": self.webhook_id,
            "project_id": self.project_id,
            "user_id": self.user_id,
            "url": self.url,
            "events": self.events,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class DueDelivery:
    """The oldest pending delivery of one webhook, with what sending it needs."""

    seq: int
    attempts: int
    webhook_seq: int
    url: str
    secret: str
    event: StoredEvent


def _b(name: str) -> Any:
    return bindparam(name)


_EVENT_COLUMNS = (
    EVENTS.c.seq,
    EVENTS.c.event_id,
    EVENTS.c.event_type,
    EVENTS.c.priority,
    EVENTS.c.project_id,
    EVENTS.c.payload,
    EVENTS.c.created_at,
)
_consumer = EVENT_CONSUMERS.c
_pending_for_event = exists().where(
    WEBHOOK_DELIVERIES.c.event_seq == EVENTS.c.seq, WEBHOOK_DELIVERIES.c.status == _PENDING
)


class _EventQueries:
    add = CompiledQuery(
        insert(EVENTS).values(
            event_id=_b("event_id"),
            event_type=_b("event_type"),
            priority=_b("priority"),
            project_id=_b("project_id"),
            payload=_b("payload"),
            created_at=_b("created_at"),
        )
    )
    last_seq = CompiledQuery(select(func.coalesce(func.max(EVENTS.c.seq), _ZERO)))
    position = CompiledQuery(select(_consumer.last_seq).where(_consumer.name == _b("name")))
    add_consumer = CompiledQuery(
        insert(EVENT_CONSUMERS).values(name=_b("name"), last_seq=_b("last_seq"), lease_owner=null(), lease_until=_ZERO)
    )
    claim = CompiledQuery(
        update(EVENT_CONSUMERS)
        .where(
            _consumer.name == _b("name"),
            or_(_consumer.lease_owner == _b("owner"), _consumer.lease_until < _b("now")),
        )
        .values(lease_owner=_b("owner"), lease_until=_b("until"))
    )
    advance = CompiledQuery(
        update(EVENT_CONSUMERS)
        .where(_consumer.name == _b("name"), _consumer.lease_owner == _b("owner"))
        .values(last_seq=_b("last_seq"))
    )
    release = CompiledQuery(
        update(EVENT_CONSUMERS)
        .where(_consumer.name == _b("name"), _consumer.lease_owner == _b("owner"))
        .values(lease_owner=null(), lease_until=_ZERO)
    )
    after = CompiledQuery(
        select(*_EVENT_COLUMNS)
        .where(EVENTS.c.seq > _b("seq"))
        .order_by(EVENTS.c.seq)
        .limit(_b("limit"))
        .offset(_b("offset"))
    )
    purge = CompiledQuery(
        delete(EVENTS).where(
            EVENTS.c.created_at < _b("before"),
            EVENTS.c.seq <= select(func.min(_consumer.last_seq)).scalar_subquery(),
            ~_pending_for_event,
        )
    )


class EventRepository(Statements):
    """The outbox (the domain's EventOutbox) and the positions and leases of the channels reading it."""

    name = "events"
    q = _EventQueries

    def add(self, event: Event) -> None:
        self._execute(
            self.q.add,
            {
                "event_id": event.event_id,
                "event_type": event.event_type,
                "priority": event.priority,
                "project_id": event.project_id,
                "payload": orjson.dumps(event.payload).decode(),
                "created_at": event.created_at,
            },
        )

    def last_seq(self) -> int:
        return int(self._rows(self.q.last_seq, {})[0][0])

    def position(self, name: str) -> int | None:
        rows = self._rows(self.q.position, {"name": name})
        return int(rows[0][0]) if rows else None

    def add_consumer(self, name: str, last_seq: int = 0) -> None:
        self._execute(self.q.add_consumer, {"name": name, "last_seq": last_seq})

    def claim(self, name: str, owner: str, *, now: float, until: float) -> bool:
        """Take (or renew) the lease of channel `name` until `until`, unless another owner holds it."""
        return self._execute(self.q.claim, {"name": name, "owner": owner, "now": now, "until": until}) == 1

    def advance(self, name: str, owner: str, last_seq: int) -> bool:
        """Move the channel past `last_seq`, if `owner` still holds its lease."""
        return self._execute(self.q.advance, {"name": name, "owner": owner, "last_seq": last_seq}) == 1

    def release(self, name: str, owner: str) -> None:
        self._execute(self.q.release, {"name": name, "owner": owner})

    def after(self, seq: int, limit: int) -> list[StoredEvent]:
        return [StoredEvent(*row) for row in self._rows(self.q.after, {"seq": seq, "limit": limit, "offset": 0})]

    def purge(self, before: float) -> int:
        """Delete events older than `before` that every channel has taken and no delivery still waits for."""
        return self._execute(self.q.purge, {"before": before})


_hook = WEBHOOKS.c
_delivery = WEBHOOK_DELIVERIES.c
_WEBHOOK_COLUMNS = (
    _hook.seq,
    _hook.project_id,
    _hook.webhook_id,
    _hook.user_id,
    _hook.url,
    _hook.events,
    _hook.secret,
    _hook.created_at,
)
_heads = (
    select(_delivery.webhook_seq, func.min(_delivery.seq).label("head"))
    .where(_delivery.status == _PENDING)
    .group_by(_delivery.webhook_seq)
    .subquery("heads")
)


class _WebhookQueries:
    add = CompiledQuery(
        insert(WEBHOOKS).values(
            project_id=_b("project_id"),
            webhook_id=_b("webhook_id"),
            user_id=_b("user_id"),
            url=_b("url"),
            events=_b("events"),
            secret=_b("secret"),
            created_at=_b("created_at"),
        )
    )
    get = CompiledQuery(
        select(*_WEBHOOK_COLUMNS).where(_hook.project_id == _b("project_id"), _hook.webhook_id == _b("webhook_id"))
    )
    page = CompiledQuery(
        select(*_WEBHOOK_COLUMNS)
        .where(_hook.project_id == _b("project_id"))
        .order_by(_hook.seq)
        .limit(_b("limit"))
        .offset(_b("offset"))
    )
    of_project = CompiledQuery(select(*_WEBHOOK_COLUMNS).where(_hook.project_id == _b("project_id")))
    delete_deliveries = CompiledQuery(delete(WEBHOOK_DELIVERIES).where(_delivery.webhook_seq == _b("seq")))
    remove = CompiledQuery(delete(WEBHOOKS).where(_hook.seq == _b("seq")))
    add_delivery = CompiledQuery(
        insert(WEBHOOK_DELIVERIES).values(
            webhook_seq=_b("webhook_seq"),
            event_seq=_b("event_seq"),
            status=_PENDING,
            attempts=_ZERO,
            next_attempt_at=_b("now"),
        )
    )
    due = CompiledQuery(
        select(_delivery.seq, _delivery.attempts, _delivery.webhook_seq, _hook.url, _hook.secret, *_EVENT_COLUMNS)
        .select_from(
            WEBHOOK_DELIVERIES.join(_heads, _heads.c.head == _delivery.seq)
            .join(WEBHOOKS, _hook.seq == _delivery.webhook_seq)
            .join(EVENTS, EVENTS.c.seq == _delivery.event_seq)
        )
        .where(_delivery.next_attempt_at <= _b("now"))
        .order_by(_delivery.seq)
        .limit(_b("limit"))
        .offset(_b("offset"))
    )
    attempted = CompiledQuery(
        update(WEBHOOK_DELIVERIES)
        .where(_delivery.seq == _b("seq"), _delivery.status == _PENDING)
        .values(
            status=_b("status"),
            attempts=_b("attempts"),
            next_attempt_at=_b("next_attempt_at"),
            last_attempt_at=_b("last_attempt_at"),
            response_status=_b("response_status"),
            last_error=_b("last_error"),
            delivered_at=_b("delivered_at"),
        )
    )
    deliveries = CompiledQuery(
        select(
            _delivery.seq,
            EVENTS.c.event_id,
            EVENTS.c.event_type,
            _delivery.status,
            _delivery.attempts,
            _delivery.next_attempt_at,
            _delivery.last_attempt_at,
            _delivery.response_status,
            _delivery.last_error,
            _delivery.delivered_at,
            EVENTS.c.created_at,
        )
        .select_from(WEBHOOK_DELIVERIES.join(EVENTS, and_(EVENTS.c.seq == _delivery.event_seq)))
        .where(_delivery.webhook_seq == _b("webhook_seq"))
        .order_by(_delivery.seq)
        .limit(_b("limit"))
        .offset(_b("offset"))
    )


def _webhook(row: Sequence[Any]) -> WebhookRow:
    return WebhookRow(row[0], row[1], row[2], row[3], row[4], orjson.loads(row[5]), row[6], row[7])


class WebhookRepository(Statements):
    name = "webhooks"
    q = _WebhookQueries

    def add(
        self,
        project_id: str,
        webhook_id: str,
        user_id: str,
        url: str,
        events: list[str],
        secret: str,
        created_at: float,
    ) -> None:
        self._execute(
            self.q.add,
            {
                "project_id": project_id,
                "webhook_id": webhook_id,
                "user_id": user_id,
                "url": url,
                "events": orjson.dumps(events).decode(),
                "secret": secret,
                "created_at": created_at,
            },
        )

    def get(self, project_id: str, webhook_id: str) -> WebhookRow | None:
        rows = self._rows(self.q.get, {"project_id": project_id, "webhook_id": webhook_id})
        return _webhook(rows[0]) if rows else None

    def page(self, project_id: str, *, limit: int, offset: int) -> list[WebhookRow]:
        return [
            _webhook(row)
            for row in self._rows(self.q.page, {"project_id": project_id, "limit": limit, "offset": offset})
        ]

    def of_project(self, project_id: str) -> list[WebhookRow]:
        return [_webhook(row) for row in self._rows(self.q.of_project, {"project_id": project_id})]

    def show(self, project_id: str, webhook_id: str) -> dict[str, Any] | None:
        webhook = self.get(project_id, webhook_id)
        return webhook.public() if webhook is not None else None

    def page_shown(self, project_id: str, *, limit: int, offset: int) -> list[dict[str, Any]]:
        return [webhook.public() for webhook in self.page(project_id, limit=limit, offset=offset)]

    def remove(self, project_id: str, webhook_id: str) -> bool:
        """Delete the webhook and its deliveries; whether it existed."""
        webhook = self.get(project_id, webhook_id)
        if webhook is None:
            return False
        self._execute(self.q.delete_deliveries, {"seq": webhook.seq})
        self._execute(self.q.remove, {"seq": webhook.seq})
        return True

    def deliveries_of(
        self, project_id: str, webhook_id: str, *, limit: int, offset: int
    ) -> list[dict[str, Any]] | None:
        webhook = self.get(project_id, webhook_id)
        return self.deliveries(webhook, limit=limit, offset=offset) if webhook is not None else None

    def add_delivery(self, webhook_seq: int, event_seq: int, now: float) -> None:
        self._execute(self.q.add_delivery, {"webhook_seq": webhook_seq, "event_seq": event_seq, "now": now})

    def due(self, now: float, limit: int) -> list[DueDelivery]:
        """The oldest pending delivery of each webhook, when it is due."""
        return [
            DueDelivery(row[0], row[1], row[2], row[3], row[4], StoredEvent(*row[5:]))
            for row in self._rows(self.q.due, {"now": now, "limit": limit, "offset": 0})
        ]

    def attempted(
        self,
        delivery_seq: int,
        *,
        status: str,
        attempts: int,
        next_attempt_at: float,
        at: float,
        response_status: int | None,
        error: str | None,
    ) -> None:
        self._execute(
            self.q.attempted,
            {
                "seq": delivery_seq,
                "status": status,
                "attempts": attempts,
                "next_attempt_at": next_attempt_at,
                "last_attempt_at": at,
                "response_status": response_status,
                "last_error": error,
                "delivered_at": at if status == DELIVERED else None,
            },
        )

    def deliveries(self, webhook: WebhookRow, *, limit: int, offset: int) -> list[dict[str, Any]]:
        names = (
            "delivery_id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "response_status",
            "last_error",
            "delivered_at",
            "created_at",
        )
        rows = self._rows(self.q.deliveries, {"webhook_seq": webhook.seq, "limit": limit, "offset": offset})
        return [dict(zip(names, row, strict=True)) for row in rows]
