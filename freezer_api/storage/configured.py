"""The database the [database] options describe, for the server and freezer-manage."""

from __future__ import annotations

from oslo_config import cfg
from sqlalchemy import Engine

from freezer_api.conf import paths
from freezer_api.storage.engine import EngineOptions, make_engine


def database_url(conf: cfg.ConfigOpts) -> str:
    return conf.database.connection or paths.default_database_url()


def engine_options(conf: cfg.ConfigOpts) -> EngineOptions:
    db = conf.database
    return EngineOptions(
        pool_size=db.pool_size,
        max_overflow=db.max_overflow,
        pool_timeout=db.pool_timeout,
        connection_recycle_time=db.connection_recycle_time,
        connect_timeout=db.connect_timeout,
        socket_timeout=db.socket_timeout,
        lock_timeout=db.lock_timeout,
        statement_timeout=db.statement_timeout,
        sqlite_busy_timeout=db.sqlite_busy_timeout,
    )


def configured_engine(conf: cfg.ConfigOpts) -> Engine:
    """The write engine (migrations run on it too)."""
    return make_engine(database_url(conf), engine_options(conf))
