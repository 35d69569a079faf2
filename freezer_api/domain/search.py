"""The search language of list requests (docs/search.md).

A document is indexed as the set of its leaf terms: every key at any depth,
paired with the token of its value (and, for arrays, of each scalar element).
A search pair (name, value) matches a document that has the term
(name, token(value)). Storage keeps the terms in an indexed table, so every
search is answered by the database through an index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from freezer_api.domain.errors import BadRequest
from freezer_api.domain.schemas import search as schemas
from freezer_api.domain.validation import validate

# Longest name or token stored verbatim; longer ones are stored as a digest.
# 191 characters keep a (project, name, value) index under MySQL's key limit.
MAX_TERM_LENGTH = 191

Term = tuple[str, str]

# The top-level keys of a search object; any other is a mistake (a field name
# where a `match` list was meant) that would otherwise list everything.
# time_after/time_before filter backups and are accepted, unused, elsewhere.
SEARCH_KEYS = ("match", "match_not", "time_after", "time_before")

DEFAULT_MAX_SEARCH_TERMS = 64
# Long exact values are cheap (stored as a digest); this bounds free text and the parse.
DEFAULT_MAX_SEARCH_VALUE_LENGTH = 32768


def _fit(text: str) -> str:
    if len(text) <= MAX_TERM_LENGTH:
        return text
    return "#" + hashlib.sha256(text.encode()).hexdigest()


def value_token(value: Any) -> str:
    """Encode a JSON value so that equal values, and only they, share a token.

    Strings compare exactly, numbers numerically (1 == 1.0), booleans and null
    by identity; "1" never equals 1.
    """
    if value is None:
        token = "z"
    elif value is True:
        token = "b1"
    elif value is False:
        token = "b0"
    elif isinstance(value, str):
        token = "s" + value
    elif isinstance(value, int):
        token = "n" + str(value)
    elif isinstance(value, float):
        token = "n" + str(int(value)) if value.is_integer() and abs(value) < 2**63 else "n" + repr(value)
    else:
        token = "j" + orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return _fit(token)


def name_token(name: str) -> str:
    return _fit(name)


def document_terms(document: Any) -> set[Term]:
    """Every (name, value token) pair of a document, at any depth."""
    terms: set[Term] = set()
    _collect(document, terms)
    return terms


def _collect(node: Any, terms: set[Term]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            name = name_token(key)
            terms.add((name, value_token(value)))
            if isinstance(value, list):
                for element in value:
                    if not isinstance(element, (dict, list)):
                        terms.add((name, value_token(element)))
            if isinstance(value, (dict, list)):
                _collect(value, terms)
    elif isinstance(node, list):
        for element in node:
            if isinstance(element, (dict, list)):
                _collect(element, terms)


def document_text(document: Any) -> str:
    """All string values of a document, lower-cased, one per line (for `_all`)."""
    return "\n".join(_strings(document)).lower()


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@dataclass
class SearchQuery:
    """A parsed search object: what storage must filter on."""

    match: list[Term] = field(default_factory=list)
    match_not: list[Term] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    time_after: int | None = None
    time_before: int | None = None

    def add_match(self, name: str, value: Any) -> None:
        term = (name_token(name), value_token(value))
        if term not in self.match:
            self.match.append(term)

    def add_match_not(self, name: str, value: Any) -> None:
        term = (name_token(name), value_token(value))
        if term not in self.match_not:
            self.match_not.append(term)


def parse_search(body: Any, *, time_bounds: bool = False) -> SearchQuery:
    """Turn the JSON body of a list request into a SearchQuery.

    `time_bounds` is true for backups, the only documents with a time_stamp.
    """
    query = SearchQuery()
    if body is None:
        return query
    if not isinstance(body, dict):
        raise BadRequest("The search body must be a JSON object.")
    reject_unknown_keys(body)
    validate(schemas.BACKUP_SEARCH if time_bounds else schemas.SEARCH, body)
    for entry in body.get("match") or ():
        for name, value in entry.items():
            if name == "_all":
                _add_free_text(query, value)
            else:
                query.add_match(name, value)
    for entry in body.get("match_not") or ():
        for name, value in entry.items():
            query.add_match_not(name, value)
    if time_bounds:
        query.time_after = _epoch(body, "time_after")
        query.time_before = _epoch(body, "time_before")
    return query


def reject_unknown_keys(body: dict) -> None:
    unknown = sorted(key for key in body if key not in SEARCH_KEYS)
    if unknown:
        raise BadRequest(
            f"Unknown search key {unknown[0][:100]!r}: a search object has only the keys "
            + ", ".join(SEARCH_KEYS)
            + ' (to filter on a field, use {"match": [{"field": value}]}).'
        )


def check_search_cost(
    body: Any,
    *,
    max_terms: int = DEFAULT_MAX_SEARCH_TERMS,
    max_value_length: int = DEFAULT_MAX_SEARCH_VALUE_LENGTH,
) -> None:
    """Refuse (400) a search too large to answer cheaply: too many clauses, or too long a name or value.

    Clauses are counted once each, however often they repeat (the scheduler's
    client library repeats its client_id pair). Malformed bodies pass: the
    parser reports them.
    """
    if not isinstance(body, dict):
        return
    seen: set[tuple[str, str]] = set()
    for key in ("match", "match_not"):
        entries = body.get(key)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for name, value in _clauses(entry):
                _check_length(name, max_value_length)
                _check_length(value, max_value_length)
                seen.add((key + "\0" + name, value if isinstance(value, str) else orjson.dumps(value).decode()))
                if len(seen) > max_terms:
                    raise BadRequest(
                        f"A search may have at most {max_terms} match and match_not clauses "
                        "(the server's [api] max_search_terms); this one has more. Narrow it, or split it "
                        "into several requests.",
                        title="Search too large",
                    )


def _clauses(entry: dict) -> Iterator[tuple[str, Any]]:
    for name, value in entry.items():
        decoded = _decoded_pairs(value) if name == "_all" else None
        if decoded is None:
            yield name, value
        else:
            for inner in decoded:
                yield from inner.items()


def _decoded_pairs(value: Any) -> list[dict] | None:
    if not isinstance(value, str):
        return None
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return decoded if _is_pair_list(decoded) else None


def _check_length(value: Any, limit: int) -> None:
    if isinstance(value, (bool, int, float)) or value is None:
        return
    length = len(value) if isinstance(value, str) else len(orjson.dumps(value))
    if length > limit:
        raise BadRequest(
            f"A search field name or value is limited to {limit} characters "
            f"(the server's [api] max_search_value_length); one has {length}.",
            title="Search too large",
        )


def _add_free_text(query: SearchQuery, value: Any) -> None:
    """`_all`: a JSON-encoded list of pairs (the SQL driver's form) or free text."""
    if isinstance(value, str):
        try:
            decoded = orjson.loads(value)
        except orjson.JSONDecodeError:
            decoded = None
        if _is_pair_list(decoded):
            for entry in decoded:
                for name, inner in entry.items():
                    query.add_match(name, inner)
            return
        text = value
    else:
        text = orjson.dumps(value).decode()
    text = text.strip().lower()
    if text and text not in query.text:
        query.text.append(text)


def _is_pair_list(decoded: Any) -> bool:
    """The CLI's `--search '[{"client_id": "node1_2"}]'`: objects of scalar values."""
    return (
        isinstance(decoded, list)
        and bool(decoded)
        and all(isinstance(entry, dict) for entry in decoded)
        and all(not isinstance(value, (dict, list)) for entry in decoded for value in entry.values())
    )


def _epoch(body: dict, key: str) -> int | None:
    """A bound the schema admitted: a number, or a string of digits."""
    value = body.get(key)
    return None if value is None else int(value)
