"""The composition root: create_app(conf) wires config, storage, auth and routes."""

from __future__ import annotations

import logging

import falcon
from oslo_config import cfg

from freezer_api.api import docs, errors, v1, v2
from freezer_api.api.health import Check, HealthcheckResource, HealthChecks
from freezer_api.api.middleware import AuthMiddleware, RequestIdMiddleware
from freezer_api.api.requests import Limits
from freezer_api.api.resource import Edge
from freezer_api.api.versions import VersionsResource
from freezer_api.auth import WSGIApp, make_authenticator, wrap_wsgi
from freezer_api.auth.trusts import make_trust_broker
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.liveness import LivenessRecorder
from freezer_api.domain.schedules import zone_named
from freezer_api.domain.services import Services
from freezer_api.events.dispatcher import webhook_targets
from freezer_api.metrics import endpoint as metrics_endpoint
from freezer_api.metrics.http import HttpSeries
from freezer_api.policies.enforcer import Authorizer
from freezer_api.storage import readiness, schema
from freezer_api.storage.configured import configured_engine, engine_options
from freezer_api.storage.engine import is_sqlite, make_read_engine
from freezer_api.storage.store import Store
from freezer_api.ui import mount as mount_dashboard

LOG = logging.getLogger(__name__)


class SchemaNotCurrent(RuntimeError):
    pass


def create_store(conf: cfg.ConfigOpts, *, migrate_sqlite: bool = True) -> Store:
    """The store, with its schema current: SQLite is upgraded in place, others must be."""
    engine = configured_engine(conf)
    revision, head = schema.current_revision(engine), schema.head_revision()
    standing = schema.standing(revision, head=head, known=schema.known_revisions())
    if standing == "behind":
        if is_sqlite(engine) and migrate_sqlite:
            LOG.info("upgrading the SQLite schema of %s", engine.url.database)
            schema.upgrade(engine)
        else:
            raise SchemaNotCurrent(
                f"the database schema is at {revision}, this release needs {head}: run 'freezer-manage db upgrade'"
            )
    elif standing == "newer":
        # A newer release migrated the database and this one is being rolled
        # out of service: its migrations keep this release working.
        LOG.warning("the database schema is at %s, newer than this release's %s: upgrade this node", revision, head)
    return Store(
        engine, read_engine=make_read_engine(engine, engine_options(conf)), max_retries=conf.database.max_retries
    )


def health_policy(conf: cfg.ConfigOpts) -> HealthPolicy:
    """The [health] thresholds and the agents' zone."""
    group = conf.health
    return HealthPolicy(
        client_down_after=group.client_down_after,
        max_run_time=group.max_run_time,
        grace=group.grace,
        zone=zone_named(group.agent_timezone),
    )


def create_app(conf: cfg.ConfigOpts, *, store: Store | None = None) -> WSGIApp:
    """The WSGI application: the Falcon app, behind keystonemiddleware when auth_strategy = keystone."""
    store = store or create_store(conf)
    services = Services.over(
        store,
        targets=webhook_targets(conf),
        trusts=make_trust_broker(conf),
        health=health_policy(conf),
        liveness=LivenessRecorder(store, resolution=conf.health.liveness_resolution)
        if conf.health.record_liveness
        else None,
    )
    authorizer = Authorizer(conf)
    authenticator = make_authenticator(conf)
    edge = Edge(
        authorizer=authorizer,
        limits=Limits(
            max_body_size=conf.api.max_request_body_size,
            default_limit=conf.api.default_limit,
            max_limit=conf.api.max_limit,
            max_json_depth=conf.api.max_json_depth,
            max_string_length=conf.api.max_string_length,
            max_search_terms=conf.api.max_search_terms,
            max_search_value_length=conf.api.max_search_value_length,
        ),
    )
    metrics = conf.metrics.enabled
    app = falcon.App[falcon.Request, falcon.Response](
        middleware=[
            RequestIdMiddleware(observe=HttpSeries().observe if metrics else None),
            AuthMiddleware(authenticator),
        ],
    )
    app.req_options.strip_url_path_trailing_slash = True
    errors.install(app)
    app.add_route("/", VersionsResource())
    app.add_route(
        "/healthcheck",
        HealthcheckResource(
            health_checks(store),
            disable_file=conf.healthcheck.disable_by_file_path,
            authenticator=authenticator,
            authorizer=authorizer,
        ),
    )
    docs.add_routes(app)
    if metrics:
        registry = metrics_endpoint.make_registry(store, conf.metrics.per_job_series, health_policy(conf))
        app.add_route(metrics_endpoint.PATH, metrics_endpoint.MetricsResource(conf, registry))
    v2.add_routes(app, edge, services)
    v1.add_routes(app, edge, services)
    return mount_dashboard(conf, wrap_wsgi(conf, app))


def health_checks(store: Store) -> HealthChecks:
    """What /healthcheck verifies before it tells a load balancer this process can serve."""
    return HealthChecks(
        [
            Check("database", readiness.database_check(store.engine), "The database cannot be reached."),
            Check(
                "schema",
                readiness.schema_check(store.engine),
                "The database schema is behind this release: run 'freezer-manage db upgrade'.",
            ),
        ]
    )
