"""OpenStack notifications: the outbox's events through oslo.messaging's Notifier.

Configured the OpenStack way, in [oslo_messaging_notifications] (driver =
messagingv2, log or noop; transport_url; topics), with publisher id
`backup.<[DEFAULT] host>`. The Notifier retries a broker that cannot be
reached until it can ([oslo_messaging_notifications] retry, default -1:
for ever), so the channel waits there, its lease renewed, and sends on
when the broker is back: no event is lost while RabbitMQ is down.
"""

from __future__ import annotations

import logging
import warnings
from functools import partial
from typing import Any

from oslo_config import cfg

from freezer_api.events.outbox import Lease, new_events
from freezer_api.storage.events import StoredEvent
from freezer_api.storage.store import Store

LOG = logging.getLogger(__name__)

NAME = "notifications"


def message(event: StoredEvent) -> tuple[dict[str, Any], dict[str, Any]]:
    """(context, payload) of the notification of `event`."""
    payload = event.payload_object()
    context = {
        "request_id": payload.get("request_id") or None,
        "user_id": payload.get("user_id"),
        "project_id": event.project_id,
        "overwrite": False,  # not this thread's context: a context of its own
    }
    return context, {**payload, "event_id": event.event_id, "created_at": event.created_at}


class NotificationChannel:
    name = NAME

    def __init__(self, conf: cfg.ConfigOpts):
        # Made by the dispatcher's thread, not before serving: oslo.messaging takes most of a second to
        # import. It imports eventlet, which warns that it is deprecated though nothing here uses it.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
            import oslo_messaging

        from oslo_context import context as oslo_context

        class ContextSerializer(oslo_messaging.NoOpSerializer):
            """Contexts travel as the dict of an oslo.context RequestContext (request_id, user, project)."""

            def serialize_context(self, ctxt: Any) -> dict[str, Any]:
                return dict(ctxt.to_dict())

        self._context_class = oslo_context.RequestContext
        oslo_messaging.set_transport_defaults("freezer")
        self.notifier: Any = None
        transport = oslo_messaging.get_notification_transport(conf)
        notifier = oslo_messaging.Notifier(
            transport, publisher_id=f"backup.{conf.host}", serializer=ContextSerializer()
        )
        # The noop driver sends nothing: the channel then only moves its position.
        if notifier.is_enabled():
            self.notifier = notifier

    def deliver(self, store: Store, lease: Lease, batch: int) -> int:
        """Send the next events in order; how many were sent."""
        events = new_events(store, self.name, batch)
        for event in events:
            if self.notifier is not None:
                context, payload = message(event)
                send = self.notifier.error if event.priority == "ERROR" else self.notifier.info
                send(self._context_class(**context), event.event_type, payload)
            store.atomic(partial(lease.advance, last_seq=event.seq))
        return len(events)
