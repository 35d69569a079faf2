"""Webhook deliveries: every subscribed event, POSTed as signed JSON, in order, retried with backoff.

The channel works in two steps, under one lease (outbox.py):

1. fan-out: each new event of the outbox becomes one delivery row per
   webhook of its project that subscribed to its type, in the same
   transaction that moves the channel's position (so exactly once);
2. sending: for each webhook, its oldest pending delivery is attempted when
   due. A 2xx answer marks it delivered and the next one follows; anything
   else (no answer, a refusal, another status) schedules the next attempt
   after retry_base x 2^(attempts-1) seconds, at most retry_max, until
   max_attempts, when the delivery is marked failed and the next one goes.
   A webhook's events therefore arrive in the order they happened, and a
   receiver that is down gets them all when it is back, even if the API
   restarted meanwhile: the rows are in the database.

The body is the event's JSON envelope; the header X-Freezer-Signature is
`sha256=` and the hex HMAC-SHA256 of the exact body bytes under the
webhook's secret (docs/observability.md#webhooks says how to check it).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import socket
import time
from datetime import UTC, datetime

import orjson

from freezer_api.events.outbox import Lease, new_events
from freezer_api.events.targets import Refused, Target, TargetPolicy
from freezer_api.storage.events import DELIVERED, FAILED, PENDING, DueDelivery, StoredEvent, WebhookRow
from freezer_api.storage.store import Store
from freezer_api.storage.units import UnitOfWork

LOG = logging.getLogger(__name__)

NAME = "webhooks"
SIGNATURE_HEADER = "X-Freezer-Signature"
USER_AGENT = "freezer-api-webhooks"


def envelope(event: StoredEvent, publisher_id: str) -> bytes:
    """The body of every delivery of `event`: the same fields as its OpenStack notification."""
    return orjson.dumps(
        {
            "event_id": event.event_id,
            "event_type": event.event_type,
            "priority": event.priority,
            "publisher_id": publisher_id,
            "timestamp": datetime.fromtimestamp(event.created_at, UTC).isoformat(),
            "payload": event.payload_object(),
        }
    )


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def subscribed(webhook: WebhookRow, event_type: str) -> bool:
    return "*" in webhook.events or event_type in webhook.events


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the target check approved, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` to the checked target; the status of the answer (redirects are not followed)."""
    connection_class = _PinnedHTTPSConnection if target.url.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    path = target.url.path or "/"
    if target.url.query:
        path += "?" + target.url.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


class WebhookChannel:
    name = NAME

    def __init__(
        self,
        targets: TargetPolicy,
        *,
        publisher_id: str,
        max_attempts: int,
        retry_base: float,
        retry_max: float,
        timeout: float,
    ):
        self.targets = targets
        self.publisher_id = publisher_id
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.timeout = timeout

    # -- fan-out ------------------------------------------------------------

    def fan_out(self, store: Store, lease: Lease, batch: int) -> int:
        """Turn the next events into delivery rows; how many events were taken."""
        events = new_events(store, self.name, batch)
        if not events:
            return 0

        def change(uow: UnitOfWork) -> None:
            hooks: dict[str, list[WebhookRow]] = {}
            now = time.time()
            for event in events:
                if event.project_id not in hooks:
                    hooks[event.project_id] = uow.webhooks.of_project(event.project_id)
                for webhook in hooks[event.project_id]:
                    if subscribed(webhook, event.event_type):
                        uow.webhooks.add_delivery(webhook.seq, event.seq, now)
            lease.advance(uow, events[-1].seq)

        store.atomic(change)
        return len(events)

    # -- sending ------------------------------------------------------------

    def has_due(self, store: Store) -> bool:
        with store.reading() as uow:
            return bool(uow.webhooks.due(time.time(), 1))

    def send_due(self, store: Store, batch: int) -> int:
        """Attempt the due head delivery of each webhook (and, on success, its next ones); attempts made."""
        attempts = 0
        while attempts < batch:
            with store.reading() as uow:
                due = uow.webhooks.due(time.time(), batch - attempts)
            if not due:
                break
            for delivery in due:
                attempts += 1
                self._attempt(store, delivery)
        return attempts

    def _attempt(self, store: Store, delivery: DueDelivery) -> bool:
        body = envelope(delivery.event, self.publisher_id)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Freezer-Event": delivery.event.event_type,
            "X-Freezer-Event-Id": delivery.event.event_id,
            "X-Freezer-Delivery": str(delivery.seq),
            SIGNATURE_HEADER: signature(delivery.secret, body),
        }
        status: int | None = None
        error: str | None = None
        try:
            target = self.targets.resolve(delivery.url)
            status = post(target, body, headers, self.timeout)
            if not 200 <= status < 300:
                error = f"the receiver answered {status}"
        except Refused as refused:
            error = str(refused)
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        done = error is None
        attempts = delivery.attempts + 1
        now = time.time()
        if done:
            state, next_at = DELIVERED, now
        elif attempts >= self.max_attempts:
            state, next_at = FAILED, now
            LOG.warning("webhook delivery %d failed for good after %d attempts: %s", delivery.seq, attempts, error)
        else:
            state, next_at = PENDING, now + min(self.retry_max, self.retry_base * 2 ** (attempts - 1))

        def record(uow: UnitOfWork) -> None:
            uow.webhooks.attempted(
                delivery.seq,
                status=state,
                attempts=attempts,
                next_attempt_at=next_at,
                at=now,
                response_status=status,
                error=error,
            )

        store.atomic(record)
        return done
