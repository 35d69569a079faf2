"""[database] options: where documents are stored."""

from collections.abc import Sequence

from oslo_config import cfg

GROUP = "database"

OPTS = [
    cfg.StrOpt(
        "connection",
        secret=True,
        sample_default="sqlite:///<user data dir>/freezer-api.sqlite",
        help="SQLAlchemy URL of the database: sqlite:///PATH, "
        "postgresql+psycopg://USER@HOST/DB or mysql+pymysql://USER@HOST/DB. "
        "Unset: a SQLite file in the per-user data directory.",
    ),
    cfg.IntOpt(
        "pool_size",
        min=1,
        default=8,
        # The original freezer-api's name (oslo.db), so that its configuration file works.
        deprecated_opts=[cfg.DeprecatedOpt("max_pool_size", group=GROUP)],
        help="Connections kept open per worker process.",
    ),
    cfg.IntOpt("max_overflow", min=0, default=16, help="Extra connections a worker may open under load."),
    cfg.IntOpt(
        "pool_timeout",
        min=1,
        default=10,
        help="Seconds a request waits for a free connection before answering 503.",
    ),
    cfg.IntOpt(
        "connection_recycle_time",
        min=1,
        default=3600,
        help="Seconds after which a pooled PostgreSQL/MariaDB connection is replaced at its next use "
        "(before a server or a proxy times it out). A connection the database dropped is found on use "
        "instead: a read is run again once on a new connection, a write transaction that had not committed "
        "is run again.",
    ),
    cfg.IntOpt(
        "connect_timeout",
        min=1,
        default=5,
        help="Seconds to establish a connection to PostgreSQL or MySQL; while the database "
        "is unreachable, requests answer 503 after at most this long.",
    ),
    cfg.IntOpt(
        "socket_timeout",
        min=1,
        default=30,
        help="Seconds a PostgreSQL or MySQL connection may go without an answer before it is "
        "considered dead (MySQL: read and write timeouts; PostgreSQL: TCP keepalives and "
        "TCP user timeout). Also bounds the MySQL connection handshake.",
    ),
    cfg.IntOpt(
        "lock_timeout",
        min=1,
        default=10,
        help="Seconds a PostgreSQL or MySQL statement waits for a document locked by another "
        "transaction. Concurrent agents hold such locks for milliseconds; one held this long "
        "belongs to a stuck transaction, and the waiting request answers 503 instead of "
        "holding its worker thread.",
    ),
    cfg.IntOpt(
        "statement_timeout",
        min=1,
        default=30,
        help="Seconds one SQL statement may run before the database cancels it and the request "
        "answers 503 (PostgreSQL statement_timeout, MariaDB max_statement_time, MySQL "
        "max_execution_time for reads, SQLite by interrupting the statement). Keeps one costly "
        "request from holding a worker and the database.",
    ),
    cfg.IntOpt(
        "sqlite_busy_timeout",
        min=0,
        default=30,
        help="Seconds a SQLite writer waits for another writer to finish.",
    ),
    cfg.IntOpt(
        "max_retries",
        min=0,
        default=10,
        help="Times a transaction is retried after a deadlock or write conflict.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(OPTS, group=GROUP)


def list_opts() -> list[tuple[str | None, Sequence[cfg.Opt]]]:
    return [(GROUP, OPTS)]
