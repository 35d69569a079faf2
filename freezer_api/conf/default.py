"""[DEFAULT] options: where the server listens and how callers are authenticated."""

import os
from collections.abc import Sequence

from oslo_config import cfg

# Also settable on the freezer-api command line (--bind-host, ...).
CLI_OPTS = [
    cfg.HostAddressOpt("bind-host", default="127.0.0.1", help="Address to listen on."),
    cfg.PortOpt("bind-port", default=9090, help="Port to listen on."),
    cfg.IntOpt(
        "workers",
        min=1,
        default=os.cpu_count() or 1,
        sample_default="<number of CPUs>",
        help="Number of worker processes.",
    ),
]

OPTS = [
    cfg.StrOpt(
        "auth_strategy",
        default="token",
        choices=[
            ("token", "static tokens from [token_auth] tokens_file"),
            ("noauth", "trust identity headers; development only"),
            ("keystone", "validate tokens with Keystone (keystonemiddleware)"),
        ],
        help="How API callers are authenticated.",
    ),
    cfg.StrOpt(
        "log_level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="Level of the service's log on standard error. INFO logs one line per request.",
    ),
    cfg.StrOpt(
        "log_format",
        default="text",
        choices=[
            ("text", "one readable line per record; a request's line ends with its request id"),
            ("json", "one JSON object per line (docs/observability.md#logs)"),
        ],
        help="Format of the service's log on standard error.",
    ),
    cfg.IntOpt(
        "graceful_shutdown_timeout",
        min=1,
        default=60,
        help="Seconds a stopping server (SIGTERM or SIGINT) lets requests in progress finish; "
        "a worker process still busy after that is killed. Keep a service manager's stop "
        "timeout (systemd TimeoutStopSec) above it.",
    ),
    cfg.BoolOpt(
        "allow_insecure_noauth",
        default=False,
        help="Allow auth_strategy=noauth on a non-loopback bind address. "
        "Anyone who can reach the port can then act as any project.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # freezer-api registers CLI_OPTS as command-line options first; here they
    # only need to exist for every other reader of the configuration.
    conf.register_opts(CLI_OPTS)
    conf.register_opts(OPTS)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(None, CLI_OPTS + OPTS)]
