"""Configuration options (oslo.config), one module per option group."""

from oslo_config import cfg

from freezer_api.conf import (
    api,
    centralized_scheduler,
    database,
    default,
    events,
    health,
    healthcheck,
    metrics,
    token_auth,
    ui,
)

_MODULES = (default, api, database, token_auth, centralized_scheduler, healthcheck, health, metrics, events, ui)


def register_opts(conf: cfg.ConfigOpts) -> None:
    for module in _MODULES:
        module.register_opts(conf)


def new_conf() -> cfg.ConfigOpts:
    """A fresh ConfigOpts with every option group registered."""
    conf = cfg.ConfigOpts()
    register_opts(conf)
    return conf
