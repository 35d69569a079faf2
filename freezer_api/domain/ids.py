"""Document ids: generated ones, and the rules client-chosen ones follow."""

from __future__ import annotations

import re
import uuid

from freezer_api.domain.errors import BadRequest
from freezer_api.domain.schemas.common import CLIENT_ID_PATTERN, ID_PATTERN, MAX_ID_LENGTH

_ID = re.compile(ID_PATTERN.removesuffix("$") + r"\Z")
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN.removesuffix("$") + r"\Z")


def new_id() -> str:
    """A server-generated id: 32 lowercase hex characters."""
    return uuid.uuid4().hex


def is_possible_id(value: str) -> bool:
    """Whether a document could have this id (so a lookup is worth making)."""
    return len(value) <= MAX_ID_LENGTH and _ID.match(value) is not None


def is_storable_key(value: str) -> bool:
    """Whether a value can be looked up at all: within the id columns' size, no NUL (PostgreSQL refuses it)."""
    return 0 < len(value) <= MAX_ID_LENGTH and "\x00" not in value


def is_possible_client_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and _CLIENT_ID.match(value) is not None


def require_valid_id(name: str, value: str) -> str:
    """The id a create-or-replace names in its path, or 400 when no document may have it."""
    if not is_possible_id(value):
        raise BadRequest(f"{name} must be 1 to {MAX_ID_LENGTH} letters, digits, underscores or dashes: {value[:80]!r}.")
    return value


def require_valid_project_id(value: str) -> str:
    if not is_possible_id(value):
        raise BadRequest(
            f"Project ids are 1 to {MAX_ID_LENGTH} letters, digits, underscores or dashes: {value[:80]!r}."
        )
    return value
