"""The term encoding behind search: equal values share a token, and only they."""

import pytest

from freezer_api.domain.errors import BadRequest
from freezer_api.domain.search import MAX_TERM_LENGTH, document_terms, document_text, parse_search, value_token


def test_numbers_compare_numerically():
    assert value_token(1) == value_token(1.0)
    assert value_token(-3) == value_token(-3.0)
    assert value_token(1.5) != value_token(1)


def test_types_never_mix():
    tokens = {value_token(v) for v in (1, "1", True, None, "true", "null", [1], {"a": 1})}
    assert len(tokens) == 8
    assert value_token(True) != value_token(1)
    assert value_token(False) != value_token(0)


def test_long_values_become_digests_that_still_differ():
    a, b = value_token("x" * 1000), value_token("x" * 999 + "y")
    assert len(a) <= MAX_TERM_LENGTH and len(b) <= MAX_TERM_LENGTH
    assert a != b and a == value_token("x" * 1000)


def test_terms_cover_every_depth_and_array_elements():
    terms = document_terms({"a": {"b": [{"c": 1}, "x", 2]}, "d": None})
    assert ("c", value_token(1)) in terms
    assert ("b", value_token("x")) in terms
    assert ("b", value_token(2)) in terms
    assert ("d", value_token(None)) in terms
    assert ("a", value_token({"b": [{"c": 1}, "x", 2]})) in terms


def test_document_text_holds_string_values_only():
    assert document_text({"Name": "Alpha", "n": 5, "l": ["Beta"]}).split("\n") == ["alpha", "beta"]


def test_parse_search_repeated_pairs_collapse():
    query = parse_search({"match": [{"client_id": "c"}, {"client_id": "c"}]})
    assert len(query.match) == 1


def test_time_bounds_only_where_asked():
    assert parse_search({"time_after": 5}).time_after is None
    assert parse_search({"time_after": "5"}, time_bounds=True).time_after == 5
    with pytest.raises(BadRequest):
        parse_search({"time_before": "soon"}, time_bounds=True)


def test_free_text_forms():
    as_pairs = parse_search({"match": [{"_all": '[{"client_id": "node1_2"}]'}]})
    assert as_pairs.match == [("client_id", value_token("node1_2"))] and as_pairs.text == []
    as_text = parse_search({"match": [{"_all": "  Backup  "}]})
    assert as_text.text == ["backup"] and as_text.match == []
