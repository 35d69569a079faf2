"""Bounds on the shape of a decoded JSON body, checked before anything reads it.

A body can be valid JSON and still be something no document should hold:
nesting so deep that encoding it again fails, strings long enough to bloat
the search index, or the NUL character, which PostgreSQL cannot store in
text. These are refused at the edge, the same way on every database.
"""

from __future__ import annotations

from typing import Any

import falcon


def check_json_limits(document: Any, *, max_depth: int, max_string_length: int) -> None:
    """Raise 400 when `document` nests deeper than `max_depth` or holds a string out of bounds."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            _check_depth(depth, max_depth)
            for key, value in node.items():
                _check_string(key, max_string_length)
                pending.append((value, depth + 1))
        elif isinstance(node, list):
            _check_depth(depth, max_depth)
            pending.extend((value, depth + 1) for value in node)
        elif isinstance(node, str):
            _check_string(node, max_string_length)


def _check_depth(depth: int, max_depth: int) -> None:
    if depth > max_depth:
        raise falcon.HTTPBadRequest(
            title="Bad request format",
            description=f"The body nests objects and arrays more than {max_depth} levels deep.",
        )


def _check_string(text: str, max_length: int) -> None:
    if len(text) > max_length:
        raise falcon.HTTPBadRequest(
            title="Bad request format",
            description=f"The body holds a string of {len(text)} characters; at most {max_length} are accepted.",
        )
    if "\x00" in text:
        raise falcon.HTTPBadRequest(
            title="Bad request format",
            description="Strings in the body must not contain the NUL character (\\u0000).",
        )
