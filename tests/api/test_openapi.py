"""The published OpenAPI document: valid, current, complete, and served with its docs page."""

from __future__ import annotations

import re
from pathlib import Path

import falcon.inspect
import orjson
import pytest
from openapi_spec_validator import validate

from freezer_api.api.openapi import build_document, document_bytes
from freezer_api.domain.schemas import common, jobs, sessions
from tests.support.http import Caller

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"

# Served by the app but not API operations: Falcon's static route for Swagger UI's files.
UNDOCUMENTED_PREFIXES = ("/docs/static",)


def served_operations(app) -> set[tuple[str, str]]:
    """(method, URI template) of every responder the app's router holds, defaults excluded."""
    return {
        (method.method, route.path)
        for route in falcon.inspect.inspect_routes(app)
        for method in route.methods
        if not method.internal and not route.path.startswith(UNDOCUMENTED_PREFIXES)
    }


def documented_operations(document: dict) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item if method in methods}


def test_the_document_is_valid_openapi_3_1():
    document = build_document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_committed_openapi_json_is_what_the_code_generates():
    assert COMMITTED.read_bytes() == document_bytes(), "openapi.json is stale: run `make openapi`"


def test_every_route_the_app_serves_is_documented_and_nothing_else(app):
    served = served_operations(app)
    documented = documented_operations(build_document())
    assert served - documented == set(), "served but not documented: add rows to freezer_api/api/openapi/<version>.py"
    assert documented - served == set(), "documented but not served"


def test_an_undocumented_route_would_be_noticed(tmp_path):
    from freezer_api.app import create_app
    from tests.conftest import make_conf

    class Tapes:
        def on_get(self, req, resp, project_id):
            pass

    app = create_app(make_conf(database={"connection": f"sqlite:///{tmp_path / 'f.sqlite'}"}))
    app.add_route("/v2/{project_id}/tapes", Tapes())
    assert served_operations(app) - documented_operations(build_document()) == {("GET", "/v2/{project_id}/tapes")}


def test_operation_ids_are_unique():
    ids = [
        op["operationId"]
        for item in build_document()["paths"].values()
        for key, op in item.items()
        if key != "parameters"
    ]
    assert len(ids) == len(set(ids))


def test_request_bodies_are_the_schemas_the_server_validates_with():
    # One source of truth: what is published is the domain's schema, verbatim
    # apart from $refs to the other published schemas.
    document = build_document()
    schemas = document["components"]["schemas"]
    create = schemas["JobCreate"]
    assert create["required"] == jobs.CREATE["required"]
    assert create["additionalProperties"] is False
    assert create["properties"]["job_schedule"] == {"$ref": "#/components/schemas/JobSchedule"}
    assert schemas["JobSchedule"]["properties"]["schedule_interval"] == jobs.SCHEDULE["properties"]["schedule_interval"]
    assert schemas["SessionCreate"]["properties"]["schedule"] == {"$ref": "#/components/schemas/JobSchedule"}
    assert schemas["SessionStart"] == orjson.loads(
        orjson.dumps(sessions.START).replace(orjson.dumps(common.ID), b'{"$ref":"#/components/schemas/Id"}')
    )
    body = document["paths"]["/v2/{project_id}/jobs"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobCreate"}


def test_list_operations_describe_their_search_body_and_paging():
    document = build_document()
    for kind in ("backups", "clients", "jobs", "actions", "sessions"):
        listing = document["paths"][f"/v2/{{project_id}}/{kind}"]["get"]
        schema = listing["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert schema.endswith("/BackupSearch" if kind == "backups" else "/Search")
        assert listing["requestBody"]["required"] is False
        names = {p["$ref"].rsplit("/", 1)[1] for p in listing["parameters"]}
        search_parameter = "backup_search" if kind == "backups" else "search"
        paging = {"limit", "offset", "all_projects"} if kind == "jobs" else {"limit", "offset"}
        assert names == {*paging, search_parameter}
        parameter = document["components"]["parameters"][search_parameter]
        assert (parameter["name"], parameter["in"]) == ("search", "query")
        assert parameter["content"]["application/json"]["schema"] == {"$ref": schema}
    search = document["components"]["schemas"]["BackupSearch"]["properties"]
    assert set(search) == {"match", "match_not", "time_after", "time_before"}


def test_every_authenticated_operation_documents_401_and_public_ones_need_no_token():
    document = build_document()
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
        "description": document["components"]["securitySchemes"]["token"]["description"],
    }
    public = {
        ("GET", "/"),
        ("GET", "/healthcheck"),
        ("HEAD", "/healthcheck"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/metrics"),
    }
    # /metrics needs no X-Auth-Token, but its own bearer token when [metrics] token is set.
    own_token = {("GET", "/metrics")}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            if (method, path) == ("get", "/healthcheck"):  # a token unlocks ?detailed=true
                assert operation["security"] == [{}, {"token": []}]
                assert "401" in operation["responses"]
            elif (method.upper(), path) in public:
                assert operation["security"] == [], path
                assert ("401" in operation["responses"]) == ((method.upper(), path) in own_token), path
            else:
                assert "security" not in operation, path
                assert "401" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and method != "head":
                    assert response == {"$ref": f"#/components/responses/{response['$ref'].rsplit('/', 1)[1]}"}


def test_error_responses_share_the_title_description_body():
    error = build_document()["components"]["schemas"]["Error"]
    assert error["required"] == ["title", "description"]
    assert error["additionalProperties"] is False


def test_openapi_json_and_docs_are_served_without_a_token(transport):
    anonymous = Caller(transport)
    reply = anonymous.get("/openapi.json")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.body == document_bytes()
    page = anonymous.get("/docs")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.body.decode()
    assert 'url: "/openapi.json"' in html
    # Everything the page loads comes from this server.
    assert re.findall(r"""(?:src|href)="(https?:)?//""", html) == []
    assert "validatorUrl: null" in html
    for asset in re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', html):
        served = anonymous.get(asset)
        assert served.status == 200, asset
        assert len(served.body) > 100


def test_other_paths_under_docs_still_need_nothing_but_are_404(transport):
    assert Caller(transport).get("/docs/static/no-such-file.js").status == 404


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_docs_routes_answer_only_get(transport, path):
    reply = Caller(transport).post(path, {})
    assert reply.status == 405
    assert set(reply.json()) == {"title", "description"}
