"""Schemathesis against a real server: every documented operation, with generated valid and invalid input.

The server runs with static tokens on SQLite; requests carry an admin token
(every operation allowed in every project), and the coverage phase also sends
them without one (401). Each response must be no 5xx, a documented status,
and conform to the documented schema and headers.

Phases: the schema's examples, coverage (boundary values, wrong types,
missing and unexpected parts, unexpected methods), fuzzing, and linked
scenarios that create documents and use their ids. The run is deterministic
(a fixed seed) so that a red build means a change broke something;
FREEZER_FUZZ_SEED, FREEZER_FUZZ_EXAMPLES and FREEZER_FUZZ_SCENARIOS explore
further.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sqlite3

import hypothesis
import orjson
import pytest
import schemathesis
from schemathesis.core import NOT_SET

from tests.support.personas import PERSONAS
from tests.support.reporting import FUZZ_REPORT
from tests.support.server import start_server

# Over a minute on SQLite alone: thousands of generated requests.
pytestmark = pytest.mark.slow

SEED = int(os.environ.get("FREEZER_FUZZ_SEED", "20260801"))
MAX_EXAMPLES = int(os.environ.get("FREEZER_FUZZ_EXAMPLES", "8"))
STATEFUL_SCENARIOS = int(os.environ.get("FREEZER_FUZZ_SCENARIOS", "20"))

# Statuses a schema-valid request may still get: 404 (the id exists
# nowhere), 409 (taken), 422 (the job's client or action does not exist).
_STATE_DEPENDENT = ["2xx", "3xx", "401", "403", "404", "409", "422"]
_RULES_BEYOND_SCHEMAS = [
    "v2_post_session_action",
    "v1_post_session_action",
    "v1_list_backups",
    "v1_create_backup",
    "v1_update_backup",
    "v1_replace_backup",
    "v1_update_client",
    # A marker naming no document of the list (docs/search.md#paging).
    *(f"v2_list_{kind}" for kind in ("backups", "clients", "jobs", "actions", "sessions")),
    *(f"v1_list_{kind}" for kind in ("jobs", "actions", "sessions")),
    # A webhook URL whose host resolves to an internal address, or to none
    # (docs/observability.md#webhooks).
    "v2_create_webhook",
]

CONFIG = f"""
seed = {SEED}

[generation]
max-examples = {MAX_EXAMPLES}
# NUL in strings is a 400 everywhere (tests/api/test_hostile_input.py), which
# no schema of a free-form object can say: generate none.
allow-x00 = false
database = "none"

[phases.examples]
enabled = true
[phases.coverage]
enabled = true
[phases.fuzzing]
enabled = true
# The schema declares its links. Inferred ones guess by name and feed, for
# instance, a client_id into the project_id of a path: requests that are
# not schema-valid, reported as if the server had rejected valid data.
[phases.stateful.inference]
algorithms = []

[checks.positive_data_acceptance]
expected-statuses = {orjson.dumps(_STATE_DEPENDENT).decode()}

[auth.openapi.token]
api_key = "{PERSONAS["admin"].token}"

# Documented 400s no schema can describe: a start or end for a job that is
# not a member of the session (docs/sessions.md#state-machine); v1 backup ids whose 2015 and
# current names disagree, or a marker naming no document of the list; a v1
# client PATCH changing client_id or uuid.
[[operations]]
include-operation-id = {orjson.dumps(_RULES_BEYOND_SCHEMAS).decode()}
checks.positive_data_acceptance.expected-statuses = {orjson.dumps([*_STATE_DEPENDENT, "400"]).decode()}
"""


@schemathesis.deserializer("application/json-home")
def _json_home(ctx, response):
    return orjson.loads(response.content)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("server-fuzz")
    # The search cost limits (docs/search.md) bound the sum of the pairs over
    # every match and match_not object, which no schema can say; generated
    # searches are large, so the limits are lifted here and held by
    # tests/api/test_search_limits.py instead.
    server = start_server(
        directory,
        database_url=f"sqlite:///{directory / 'freezer.sqlite'}",
        extra_config="[api]\nmax_search_terms = 1000000\nmax_search_value_length = 100000000\n",
    )
    server.database_file = directory / "freezer.sqlite"
    yield server
    server.stop()


@pytest.fixture(scope="module")
def published_schema(fuzz_server):
    config = schemathesis.Config.from_str(CONFIG)
    return schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json", config=config)


@pytest.fixture(scope="module")
def cases_sent(request, published_schema):
    """Cases sent per operation, reported at the end of the run (tests/conftest.py)."""
    counts: collections.Counter[str] = collections.Counter()
    documented = sum(1 for _ in published_schema.get_all_operations())
    request.config.stash[FUZZ_REPORT] = lambda: (
        f"schemathesis: {sum(counts.values())} generated cases over {len(counts)} of {documented} documented "
        f"operations (seed {SEED}; examples, coverage, up to {MAX_EXAMPLES} fuzzed examples per operation, "
        f"{STATEFUL_SCENARIOS} linked scenarios)"
    )
    return counts


schema = schemathesis.pytest.from_fixture("published_schema")


@schema.parametrize()
def test_every_documented_operation_answers_as_documented(case, cases_sent, fuzz_server):
    cases_sent[case.operation.label] += 1
    if case.query and "search" in case.query and case.body is not NOT_SET:
        # A search body and a search parameter together are a documented 400
        # (docs/search.md#parameter) that no schema can say: send the body alone.
        del case.query["search"]
    case.call_and_validate(base_url=fuzz_server.url)


def _empty_catalog(database_file):
    with contextlib.closing(sqlite3.connect(database_file, timeout=30)) as connection, connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
        ).fetchall()
        for (table,) in tables:
            connection.execute(f'DELETE FROM "{table}"')


def test_linked_operations_answer_as_documented(published_schema, cases_sent, fuzz_server):
    """Scenarios that create documents and use their ids (links schemathesis infers from the schemas)."""

    class Workflow(published_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"base_url": fuzz_server.url}

        def after_call(self, response, case):
            cases_sent[case.operation.label] += 1

        def teardown(self):
            # Every scenario starts from an empty catalog. Hypothesis replays
            # the choices of earlier scenarios while it explores, and calls a
            # replay flaky when the server answers it differently (a 409 for
            # an id an earlier scenario created), which would hide the
            # failure it was after.
            _empty_catalog(fuzz_server.database_file)

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=8,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
