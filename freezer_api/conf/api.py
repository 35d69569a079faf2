"""[api] options: request handling and limits."""

from oslo_config import cfg

GROUP = "api"

OPTS = [
    cfg.IntOpt(
        "threads_per_worker",
        min=1,
        default=16,
        help="Threads serving requests in each worker process.",
    ),
    cfg.IntOpt(
        "max_request_body_size",
        min=1024,
        default=1024 * 1024,
        help="Largest accepted request body, in bytes (larger: 413).",
    ),
    cfg.IntOpt("default_limit", min=1, default=10, help="Page size when a list request gives no limit."),
    cfg.IntOpt("max_limit", min=1, default=1000, help="Largest page size a list request may ask for."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
