"""[api] options: request handling and limits."""

from collections.abc import Sequence

from oslo_config import cfg

from freezer_api.domain import search

GROUP = "api"
DEFAULT_THREADS_PER_WORKER = 8

OPTS = [
    cfg.IntOpt(
        "threads_per_worker",
        min=1,
        default=DEFAULT_THREADS_PER_WORKER,
        help="Threads serving requests in each worker process. More threads "
        "overlap waits on a database server; fewer keep tail latency low when "
        "the work is CPU-bound (SQLite). bench/RESULTS.md has measurements.",
    ),
    cfg.IntOpt(
        "max_request_body_size",
        min=1024,
        default=1024 * 1024,
        help="Largest accepted request body, in bytes (larger: 413).",
    ),
    cfg.IntOpt("default_limit", min=1, default=10, help="Page size when a list request gives no limit."),
    cfg.IntOpt(
        "max_limit",
        min=1,
        default=1000,
        help="Largest page a list answers; a larger limit is lowered to this.",
    ),
    cfg.IntOpt(
        "max_search_terms",
        min=1,
        default=search.DEFAULT_MAX_SEARCH_TERMS,
        help="Most match and match_not clauses one list request may search for (more: 400). "
        "Each clause is one more index lookup for the database.",
    ),
    cfg.IntOpt(
        "max_search_value_length",
        min=16,
        default=search.DEFAULT_MAX_SEARCH_VALUE_LENGTH,
        help="Longest field name or value, in characters, in a search clause (longer: 400).",
    ),
    cfg.IntOpt(
        "max_json_depth",
        min=2,
        max=128,
        default=32,
        help="Deepest nesting of objects and arrays accepted in a request body (deeper: 400).",
    ),
    cfg.IntOpt(
        "max_string_length",
        min=255,
        default=65536,
        help="Longest string, in characters, accepted as a key or value in a request body (longer: 400).",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
