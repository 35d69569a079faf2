"""The thread of each API process that delivers the outbox, and the one place that builds the channels."""

from __future__ import annotations

import configparser
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from oslo_config import cfg

from freezer_api.events import outbox
from freezer_api.events.targets import TargetPolicy, parse_networks
from freezer_api.events.webhooks import WebhookChannel
from freezer_api.storage.store import Store

if TYPE_CHECKING:
    from freezer_api.events.notifications import NotificationChannel

LOG = logging.getLogger(__name__)

BATCH = 100
PURGE_EVERY = 300.0  # seconds


def webhook_targets(conf: cfg.ConfigOpts) -> TargetPolicy:
    try:
        return TargetPolicy(parse_networks(conf.webhooks.allowed_networks))
    except ValueError as error:
        raise ValueError(f"[webhooks] allowed_networks: {error}") from None


def webhook_channel(conf: cfg.ConfigOpts) -> WebhookChannel:
    return WebhookChannel(
        webhook_targets(conf),
        publisher_id=f"backup.{conf.host}",
        max_attempts=conf.webhooks.max_attempts,
        retry_base=conf.webhooks.retry_base,
        retry_max=conf.webhooks.retry_max,
        timeout=conf.webhooks.timeout,
    )


def notifications_configured(conf: cfg.ConfigOpts) -> bool:
    """Whether the configuration files choose a notification driver other than noop (the default).

    Read from the files themselves: oslo.messaging registers its options only
    once imported, which takes most of a second and is not needed for noop.
    """
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.read([*(conf.config_file or []), *_directory_files(conf.config_dir)])
    drivers = parser.get("oslo_messaging_notifications", "driver", fallback="")
    return any(driver.strip() not in ("", "noop") for driver in drivers.replace("\n", ",").split(","))


def _directory_files(directory: str | None) -> list[str]:
    if not directory:
        return []
    return sorted(str(path) for path in Path(directory).glob("*.conf"))


class Dispatcher:
    """Every dispatch_interval: notifications, then webhooks (fan-out and sending), each under its lease."""

    def __init__(self, conf: cfg.ConfigOpts, store: Store):
        self.conf = conf
        self.store = store
        self.owner = outbox.new_owner()
        self.interval = conf.events.dispatch_interval
        self.lease_seconds = conf.events.lease_seconds
        self.webhooks = webhook_channel(conf)
        self.notifications: NotificationChannel | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._purged_at = 0.0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="event-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        if notifications_configured(self.conf):
            from freezer_api.events.notifications import NotificationChannel

            try:
                self.notifications = NotificationChannel(self.conf)
            except Exception:
                LOG.exception("notifications are off: [oslo_messaging_notifications] cannot be used")
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database may be down: try again next round
                LOG.warning("event delivery failed; retrying in %.1f s", self.interval, exc_info=True)
            self._stop.wait(self.interval)

    def run_once(self) -> None:
        if self.notifications is not None:
            self._drain_notifications()
        self._webhooks()
        now = time.time()
        if now - self._purged_at > PURGE_EVERY:
            self._purged_at = now
            before = now - self.conf.events.retention
            self.store.atomic(lambda uow: uow.events.purge(before))

    def _drain_notifications(self) -> None:
        channel = self.notifications
        assert channel is not None
        if not outbox.has_new_events(self.store, channel.name):
            return
        outbox.ensure_channel(self.store, channel.name)
        lease = outbox.Lease(self.store, channel.name, self.owner, self.lease_seconds)
        with lease.held() as held:
            while held and not self._stop.is_set() and channel.deliver(self.store, lease, BATCH) == BATCH:
                pass

    def _webhooks(self) -> None:
        channel = self.webhooks
        fresh = outbox.has_new_events(self.store, channel.name)
        if not fresh and not channel.has_due(self.store):
            return
        outbox.ensure_channel(self.store, channel.name)
        lease = outbox.Lease(self.store, channel.name, self.owner, self.lease_seconds)
        with lease.held() as held:
            if not held:
                return
            while channel.fan_out(self.store, lease, BATCH) == BATCH and not self._stop.is_set():
                pass
            channel.send_due(self.store, BATCH)
