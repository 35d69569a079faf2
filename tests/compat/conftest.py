"""python-freezerclient, unchanged, against a real server."""

import pytest
from freezerclient.v2.client import Client
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from tests.support.personas import PERSONAS
from tests.support.server import start_server


def freezer_client(url: str, token: str, project_id: str) -> Client:
    """The library as an application embeds it: a keystoneauth session with a static token."""
    session = ks_session.Session(auth=token_endpoint.Token(url, token))
    return Client(session=session, endpoint=url, project_id=project_id)


@pytest.fixture(scope="session")
def noauth_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("server-noauth")
    server = start_server(directory, database_url=f"sqlite:///{directory / 'noauth.sqlite'}", auth_strategy="noauth")
    yield server
    server.stop()


@pytest.fixture(params=["token", "noauth"])
def freezer(request, live_server, noauth_server):
    """A freezerclient Client for project-a: by static token (every engine) or on a noauth server."""
    from tests.conftest import new_project

    if request.param == "token":
        member = PERSONAS["member_a"]
        return freezer_client(live_server.url, member.token, member.project_id)
    return freezer_client(noauth_server.url, "ignored-by-noauth", new_project())
