"""The original freezer-api's configuration file, read by this server (docs/migrating.md#configuration).

Options both servers have keep their names and groups ([DEFAULT] bind_host
and bind_port, [database] connection, [keystone_authtoken],
[centralized_scheduler], [oslo_policy]); the original's oslo.db name
`max_pool_size` is this server's `pool_size` (declared on that option, as a
deprecated name). The rest of an original file is what this server has no
use for: each such option is named once in a warning at start. One setting
would change what the server does in a way it cannot honour, Elasticsearch
storage, and the server refuses to start with it.

A file with no `auth_strategy` but a [keystone_authtoken] section is an
original's (which always authenticated with Keystone): it starts this
server with auth_strategy = keystone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oslo_config import cfg
from sqlalchemy.engine import make_url

# Groups whose options belong to a library this server hands them to.
LIBRARY_GROUPS = {"keystone_authtoken", "oslo_policy"}

# The original's names of this server's options (declared on those options as deprecated names).
RENAMED = {("database", "max_pool_size")}
# (group, option) of the original's -> why this server ignores it.
IGNORED = {
    ("paste_deploy", "config_file"): "this server builds its own WSGI pipeline; there is no paste file",
    ("storage", "backend"): "this server always stores documents in the SQL database of [database] connection",
    ("storage", "driver"): "this server always stores documents in the SQL database of [database] connection",
    ("default", "debug"): "set [DEFAULT] log_level = DEBUG instead",
    ("centralized_scheduler", "service_user"): "the trustee is the service user of [keystone_authtoken]",
    ("centralized_scheduler", "service_user_domain"): "the trustee is the service user of [keystone_authtoken]",
}
# Whole groups of the original's this server has no use for.
IGNORED_GROUPS = {
    "elasticsearch": "Elasticsearch storage is not supported",
    "sqlalchemy": "the original's per-driver group; [database] connection is what is used",
    "oslo_middleware": "this server reads proxy headers (X-Forwarded-*) only through its own middleware",
}

ELASTICSEARCH_REFUSED = (
    "[storage] {option} = {value}: Elasticsearch storage is not supported. This server stores documents "
    "in a SQL database ([database] connection: SQLite, PostgreSQL or MariaDB/MySQL). An original freezer-api "
    "on its SQL storage is imported with 'freezer-manage db import-upstream SOURCE_URL' (README.md, "
    "'Moving from the original freezer-api'); move an Elasticsearch-backed original to its SQL storage first."
)


class UnsupportedSetting(Exception):
    """An option of the original's that this server cannot honour: it must not start."""


@dataclass(frozen=True)
class FileOption:
    group: str  # lower case; "default" for [DEFAULT]
    name: str  # with underscores
    value: str
    path: str


def file_options(paths: Iterable[str]) -> list[FileOption]:
    """Every option set in the configuration files, as oslo.config parses them."""
    found = []
    for path in paths:
        sections: dict[str, dict[str, list[str]]] = {}
        cfg.ConfigParser(path, sections).parse()
        for section, options in sections.items():
            for name, values in options.items():
                found.append(FileOption(section.lower(), name.replace("-", "_"), values[-1], path))
    return found


def _known(conf: cfg.ConfigOpts) -> set[tuple[str, str]]:
    known = set(RENAMED)
    for name in conf:
        value = conf[name]
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            known.update((name.lower(), option) for option in value)
        else:
            known.add(("default", name))
    return known


# The driver this server uses for each database the original could be on.
_OUR_DRIVER = {"mysql": "mysql+pymysql", "mariadb": "mysql+pymysql", "postgresql": "postgresql+psycopg"}


def our_driver_url(url: str) -> str:
    """The same database on this server's drivers.

    The original's deployments may name MySQLdb or psycopg2 (`mysql://`,
    `mysql+mysqldb://`, `postgresql+psycopg2://`); the same database is
    reached with PyMySQL and psycopg 3.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in _OUR_DRIVER and parsed.drivername != _OUR_DRIVER[backend]:
        parsed = parsed.set(drivername=_OUR_DRIVER[backend])
    return parsed.render_as_string(hide_password=False)


def adopt(conf: cfg.ConfigOpts) -> None:
    """Read an original's file as the original did: Keystone unless the file chooses otherwise."""
    options = file_options(conf.config_file or [])
    if any(o.group == "keystone_authtoken" for o in options) and not any(
        o.group == "default" and o.name == "auth_strategy" for o in options
    ):
        conf.set_default("auth_strategy", "keystone")
    connection = conf.database.connection
    if connection and our_driver_url(connection) != connection:
        conf.set_override("connection", our_driver_url(connection), group="database")


def check(conf: cfg.ConfigOpts) -> list[str]:
    """What to warn about, once, for the options this server ignores; UnsupportedSetting for the refused ones."""
    options = file_options(conf.config_file or [])
    for option in options:
        if option.group == "storage" and option.name in ("backend", "driver") and "elastic" in option.value.lower():
            raise UnsupportedSetting(ELASTICSEARCH_REFUSED.format(option=option.name, value=option.value))
    known = _known(conf)
    warnings = []
    for option in options:
        key = (option.group, option.name)
        if option.group in LIBRARY_GROUPS:
            continue
        reason = IGNORED.get(key) or IGNORED_GROUPS.get(option.group)
        if reason is None and key in known:
            continue
        shown = "DEFAULT" if option.group == "default" else option.group
        warnings.append(
            f"{option.path}: [{shown}] {option.name} is ignored: {reason or 'this server has no such option'}"
        )
    return warnings
