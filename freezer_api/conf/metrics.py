"""[metrics] options: who may scrape /metrics, and how many series it shows."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "metrics"

OPTS = [
    cfg.BoolOpt("enabled", default=True, help="Serve /metrics in the Prometheus text format."),
    cfg.ListOpt(
        "allowed_networks",
        default=["127.0.0.0/8", "::1/128"],
        help="Networks (CIDR) whose addresses may scrape /metrics; any other caller gets 403. "
        "Use 0.0.0.0/0,::/0 to rely on the token alone.",
    ),
    cfg.StrOpt(
        "token",
        secret=True,
        help="When set, a scrape must also send 'Authorization: Bearer <token>' (401 without it).",
    ),
    cfg.BoolOpt(
        "per_job_series",
        default=True,
        help="Show the per-job, per-client and per-backup-set series. Off, /metrics shows only "
        "per-project aggregates, which keeps the number of series small in large deployments.",
    ),
    cfg.StrOpt(
        "multiprocess_directory",
        help="Directory where the worker processes of freezer-api keep their metric values "
        "(prometheus_client's multiprocess mode). freezer-api empties it at start. Unset: a "
        "private temporary directory, removed when freezer-api stops.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
