"""[healthcheck] options."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "healthcheck"

OPTS = [
    cfg.StrOpt(
        "disable_by_file_path",
        help="When this file exists, /healthcheck answers 503 so that a load balancer takes the node out of rotation.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
