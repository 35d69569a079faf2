"""A real Keystone and a freezer-api with auth_strategy = keystone, started once per session."""

from __future__ import annotations

import pytest

from freezer_api.auth import keystone
from freezer_api.cmd.api import load_conf
from freezer_api.context import RequestContext
from tests.support.http import Caller, OverHTTP
from tests.support.keystone import SERVICE_PROJECT, start_keystone
from tests.support.keystone_cloud import Cloud, open_cloud
from tests.support.server import LiveServer, start_server

TOKEN_CACHE_SECONDS = 3


@pytest.fixture(scope="session")
def cloud(tmp_path_factory) -> Cloud:
    keystone = start_keystone(tmp_path_factory.mktemp("keystone"))
    try:
        yield open_cloud(keystone)
    finally:
        keystone.stop()


def authtoken_section(cloud: Cloud, *, auth_url: str | None = None) -> str:
    """[keystone_authtoken] as an operator writes it for freezer-api."""
    service = cloud.users["freezer"]
    auth_url = auth_url or cloud.auth_url
    return (
        "[keystone_authtoken]\n"
        f"www_authenticate_uri = {auth_url}\n"
        f"auth_url = {auth_url}\n"
        "auth_type = password\n"
        f"username = {service.name}\n"
        f"password = {service.password}\n"
        f"project_name = {SERVICE_PROJECT}\n"
        "user_domain_name = Default\n"
        "project_domain_name = Default\n"
        "interface = public\n"
        "service_token_roles_required = true\n"
        # A revoked token is refused once its cached validation expires.
        f"token_cache_time = {TOKEN_CACHE_SECONDS}\n"
    )


def start_keystone_server(cloud: Cloud, directory, *, auth_url: str | None = None, workers: int = 2) -> LiveServer:
    return start_server(
        directory,
        database_url=f"sqlite:///{directory / 'freezer.sqlite'}",
        auth_strategy="keystone",
        workers=workers,
        extra_config=authtoken_section(cloud, auth_url=auth_url),
    )


@pytest.fixture(scope="session")
def keystone_server(cloud, tmp_path_factory) -> LiveServer:
    """freezer-api with auth_strategy = keystone, registered in the catalog as service type `backup`."""
    directory = tmp_path_factory.mktemp("server-keystone")
    server = start_keystone_server(cloud, directory)
    cloud.register_backup_service(server.url)
    yield server
    server.stop()


def as_user(cloud: Cloud, server: LiveServer, name: str) -> Caller:
    """Real HTTP with a Keystone token of the user."""
    token, _ = cloud.token(name)
    return Caller(OverHTTP(server.url), {"X-Auth-Token": token})


def context_of(cloud: Cloud, name: str) -> RequestContext:
    """The RequestContext freezer-api builds for the user's token."""
    token, body = cloud.token(name)
    user = cloud.users[name]
    return RequestContext(
        user_id=user.id,
        project_id=user.project_id,
        roles=[role["name"].lower() for role in body["roles"]],
        user_name=user.name,
        auth_token=token,
        token_info={"token": body},
    )


def server_conf(server: LiveServer, overrides: dict | None = None):
    """The configuration the server reads, as freezer-api loads it, with overrides {(group, name): value}."""
    conf = load_conf(["--config-file", str(server.config_file)])
    keystone.register_opts(conf)
    for (group, name), value in (overrides or {}).items():
        conf.set_override(name, value, group=group)
    return conf
