"""[health] and [runs] options: liveness, job health thresholds, run retention (docs/health.md)."""

from collections.abc import Sequence

from oslo_config import cfg

HEALTH_OPTS = [
    cfg.BoolOpt(
        "record_liveness",
        default=True,
        help="Record when each client was last heard from. Off: every client's health is unknown and "
        "stuck and overdue follow only from times (bench/ measures what recording costs a poll).",
    ),
    cfg.IntOpt(
        "liveness_resolution",
        default=15,
        min=0,
        help="Seconds: each server process records a client's liveness at most once per this interval "
        "(its polls, job PATCHes, backup posts and registration are the sightings).",
    ),
    cfg.IntOpt(
        "client_down_after",
        default=300,
        min=1,
        help="Seconds: a client not heard from for longer is down (5 polls at freezer-scheduler's default interval).",
    ),
    cfg.IntOpt(
        "max_run_time",
        default=86400,
        min=1,
        help="Seconds: a run open for longer is stuck.",
    ),
    cfg.IntOpt(
        "grace",
        default=600,
        min=0,
        help="Seconds after its expected start that a job which has not started is late; after that it is overdue.",
    ),
    cfg.FloatOpt(
        "watch_interval",
        default=30.0,
        min=0.0,
        help="Seconds between two evaluations of every job's and client's health by each API process, which "
        "report each change once (freezer.job.health.change, freezer.client.down, freezer.client.up). 0: off.",
    ),
    cfg.StrOpt(
        "agent_timezone",
        default="",
        help="IANA time zone (e.g. Europe/Paris) the agents run in: freezer-scheduler reads cron fields and "
        "schedule dates without an offset in its local time. Empty: the server's own local zone.",
    ),
]

RUNS_OPTS = [
    cfg.IntOpt(
        "keep_days",
        default=90,
        min=1,
        help="Days runs are kept after they end; `freezer-manage db purge-runs` deletes older ones "
        "(never a job's latest run).",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(HEALTH_OPTS, group="health")
    conf.register_opts(RUNS_OPTS, group="runs")


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [("health", HEALTH_OPTS), ("runs", RUNS_OPTS)]
