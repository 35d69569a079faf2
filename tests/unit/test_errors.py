"""Domain errors become JSON error bodies with one status per error class."""

from __future__ import annotations

import falcon
import pytest

from freezer_api.api.errors import handle_domain_error
from freezer_api.domain.errors import ConcurrentChange, Conflict, not_found


def rendered(error) -> falcon.HTTPError:
    with pytest.raises(falcon.HTTPError) as raised:
        handle_domain_error(None, None, error, {})
    return raised.value


def test_a_duplicate_id_keeps_the_original_title():
    reply = rendered(Conflict("Job 'j' already exists."))
    assert (reply.status_code, reply.title) == (409, "Document already existing")


def test_a_change_lost_to_other_requests_is_a_conflict_of_its_own():
    reply = rendered(ConcurrentChange())
    assert (reply.status_code, reply.title) == (409, "Conflicting change")
    assert reply.description == "The document was changed by another request; try again."


def test_not_found_names_the_kind_and_cuts_long_ids():
    error = not_found("job", "x" * 1000, "p1")
    assert error.description == f"No job with id {'x' * 300!r} in project 'p1'."
    assert rendered(error).status_code == 404
