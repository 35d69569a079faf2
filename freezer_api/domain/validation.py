"""JSON Schema validation of request bodies (one schema per document and operation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match

from freezer_api.domain.errors import BadRequest


@cache
def _ecma_pattern(pattern: str) -> re.Pattern:
    # JSON Schema patterns are ECMA-262 regular expressions, where `$` ends
    # the input; Python's `$` also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance[:200]!r} does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})

_validators: dict[int, Draft202012Validator] = {}


def validate(schema: dict, document: Any) -> None:
    """Raise BadRequest naming the first problem when `document` breaks `schema`."""
    validator = _validators.get(id(schema))
    if validator is None:
        validator = _validators[id(schema)] = Validator(schema)
    error = best_match(validator.iter_errors(document))
    if error is not None:
        raise BadRequest(_describe(error))


def _describe(error: ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path)
    message = error.message
    if len(message) > 300:
        message = message[:300] + "..."
    return f"{where}: {message}" if where else message


def require_object(body: Any, what: str = "request body") -> dict:
    if body is None:
        raise BadRequest(f"Missing {what}: a JSON object is expected.")
    if not isinstance(body, dict):
        raise BadRequest(f"The {what} must be a JSON object.")
    return body
