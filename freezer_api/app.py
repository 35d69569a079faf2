"""The composition root: create_app(conf) wires config, storage, auth and routes."""

from __future__ import annotations

import logging

import falcon
from oslo_config import cfg

from freezer_api.api import docs, errors, v1, v2
from freezer_api.api.health import HealthcheckResource
from freezer_api.api.middleware import AuthMiddleware, RequestIdMiddleware
from freezer_api.api.requests import Limits
from freezer_api.api.resource import Edge
from freezer_api.api.versions import VersionsResource
from freezer_api.auth import make_authenticator
from freezer_api.conf import paths
from freezer_api.domain.services import Services
from freezer_api.policies.enforcer import Authorizer
from freezer_api.storage import schema
from freezer_api.storage.engine import is_sqlite, make_engine, make_read_engine
from freezer_api.storage.store import Store

LOG = logging.getLogger(__name__)


class SchemaNotCurrent(RuntimeError):
    pass


def database_url(conf: cfg.ConfigOpts) -> str:
    return conf.database.connection or paths.default_database_url()


def create_store(conf: cfg.ConfigOpts, *, migrate_sqlite: bool = True) -> Store:
    """The store, with its schema current: SQLite is upgraded in place, others must be."""
    db = conf.database
    pool = dict(pool_size=db.pool_size, max_overflow=db.max_overflow, pool_timeout=db.pool_timeout)
    engine = make_engine(database_url(conf), sqlite_busy_timeout=db.sqlite_busy_timeout, **pool)
    if not schema.is_current(engine):
        if is_sqlite(engine) and migrate_sqlite:
            LOG.info("upgrading the SQLite schema of %s", engine.url.database)
            schema.upgrade(engine)
        else:
            raise SchemaNotCurrent(
                f"the database schema is at {schema.current_revision(engine)}, this release needs "
                f"{schema.head_revision()}: run 'freezer-manage db upgrade'"
            )
    return Store(engine, read_engine=make_read_engine(engine, **pool), max_retries=db.max_retries)


def create_app(conf: cfg.ConfigOpts, *, store: Store | None = None) -> falcon.App:
    store = store or create_store(conf)
    services = Services.over(store)
    edge = Edge(
        authorizer=Authorizer(conf),
        limits=Limits(
            max_body_size=conf.api.max_request_body_size,
            default_limit=conf.api.default_limit,
            max_limit=conf.api.max_limit,
            max_json_depth=conf.api.max_json_depth,
            max_string_length=conf.api.max_string_length,
        ),
    )
    app = falcon.App(
        middleware=[RequestIdMiddleware(), AuthMiddleware(make_authenticator(conf))],
    )
    app.req_options.strip_url_path_trailing_slash = True
    errors.install(app)
    app.add_route("/", VersionsResource())
    app.add_route("/healthcheck", HealthcheckResource(conf.healthcheck.disable_by_file_path))
    docs.add_routes(app)
    v2.add_routes(app, edge, services)
    v1.add_routes(app, edge, services)
    return app
