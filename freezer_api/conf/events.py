"""[events] and [webhooks] options: delivering the event outbox (docs/observability.md#events)."""

import socket
from collections.abc import Sequence

from oslo_config import cfg

EVENTS_OPTS = [
    cfg.FloatOpt(
        "dispatch_interval",
        min=0.05,
        default=1.0,
        help="Seconds between two looks at the event outbox by each API process. Events are delivered "
        "by one process at a time (a lease in the database), whichever takes it first.",
    ),
    cfg.FloatOpt(
        "lease_seconds",
        min=1,
        default=30,
        help="How long a process holds a delivery channel without renewing it; after that another "
        "process takes over (a process that died stops renewing).",
    ),
    cfg.IntOpt(
        "retention",
        min=60,
        default=86400,
        help="Seconds an event stays in the outbox after every channel has delivered it.",
    ),
]

WEBHOOKS_OPTS = [
    cfg.ListOpt(
        "allowed_networks",
        default=[],
        help="Networks (CIDR) webhook targets may be in although they are internal: loopback, private, "
        "link-local and other non-public addresses are refused unless listed here. Checked when a "
        "webhook is registered and again before every delivery.",
    ),
    cfg.IntOpt("max_attempts", min=1, default=12, help="Attempts to deliver one event before it is marked failed."),
    cfg.FloatOpt(
        "retry_base",
        min=0.01,
        default=2.0,
        help="Seconds before the first retry; each further retry waits twice as long.",
    ),
    cfg.FloatOpt("retry_max", min=0.01, default=600.0, help="The longest wait between two attempts, in seconds."),
    cfg.FloatOpt("timeout", min=0.1, default=10.0, help="Seconds to connect and get an answer from a receiver."),
]

HOST_OPTS = [
    cfg.StrOpt(
        "host",
        default=socket.gethostname(),
        sample_default="<the host name>",
        help="The name of this host: notifications are published as backup.<host>.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(HOST_OPTS)
    conf.register_opts(EVENTS_OPTS, group="events")
    conf.register_opts(WEBHOOKS_OPTS, group="webhooks")


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(None, HOST_OPTS), ("events", EVENTS_OPTS), ("webhooks", WEBHOOKS_OPTS)]
