"""[DEFAULT] log_format: text keeps today's lines, json writes one object per line; both keep the request id."""

from __future__ import annotations

import io
import logging

import orjson

from freezer_api import logs
from tests.conftest import as_persona
from tests.support.server import start_server


def test_json_log_lines_carry_the_request_fields(tmp_path):
    server = start_server(
        tmp_path / "server",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        workers=1,
        log_level="INFO",
        extra_config="[DEFAULT]\nlog_format = json\n",
    )
    try:
        member = as_persona(server, "member_a")
        answer = member.get("/v2/project-a/backups/no-such-backup")
        assert answer.status == 404
        request_id = answer.headers["x-openstack-request-id"]
    finally:
        server.stop()
    lines = [line for line in server.log().splitlines() if line.strip()]
    entries = [orjson.loads(line) for line in lines]  # every line is one JSON object
    access = [entry for entry in entries if entry.get("request_id") == request_id]
    assert len(access) == 1, lines
    entry = access[0]
    assert entry["level"] == "INFO" and entry["timestamp"].endswith("+00:00")
    assert entry["method"] == "GET" and entry["status"] == 404
    assert entry["route"] == "/v2/{project_id}/backups/{backup_id}"
    assert entry["project_id"] == "project-a" and entry["duration_ms"] >= 0
    assert any("freezer-api listening on" in entry["message"] for entry in entries)


def test_text_log_lines_end_with_the_request_id(tmp_path):
    server = start_server(
        tmp_path / "server", database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", workers=1, log_level="INFO"
    )
    try:
        answer = as_persona(server, "member_a").get("/v2/project-a/backups")
        request_id = answer.headers["x-openstack-request-id"]
    finally:
        server.stop()
    (line,) = [line for line in server.log().splitlines() if request_id in line]
    assert " INFO freezer_api.access: GET /v2/project-a/backups 200 " in line and line.endswith(f"[{request_id}]")


def test_any_record_written_while_a_request_is_served_has_its_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.WithRequestId())
    logger = logging.getLogger("freezer_api.test_log_format")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        token = logs.request_id.set("req-00000000-0000-4000-8000-000000000000")
        try:
            logger.warning("inside %s", "a request")
        finally:
            logs.request_id.reset(token)
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    inside, outside = (orjson.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "inside a request"
    assert inside["request_id"] == "req-00000000-0000-4000-8000-000000000000"
    assert outside["request_id"] is None
