"""Patterns and fragments shared by several document schemas."""

from typing import Any

# A JSON Schema, as the validator and the OpenAPI document take it.
Schema = dict[str, Any]

# Client-chosen ids: ASCII letters, digits, underscores and dashes (docs/resources.md#ids).
# Spelt out, not \w: Python's \w also matches non-ASCII letters, the published
# (ECMA-262) pattern does not, and the server must refuse what the document does.
ID_PATTERN = r"^[A-Za-z0-9_-]+$"
MAX_ID_LENGTH = 255

ID = {"type": "string", "pattern": ID_PATTERN, "minLength": 1, "maxLength": MAX_ID_LENGTH}

_LABEL = r"([a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d\-]{0,61}[a-zA-Z\d])"
HOSTNAME_PATTERN = rf"^{_LABEL}(\.{_LABEL})*$"
# Optional "<prefix>_" then a host name (the scheduler's default client id).
CLIENT_ID_PATTERN = rf"^(?:([A-Za-z0-9_\-]+)_)?{_LABEL}(\.{_LABEL})*$"

# Integers within +-(2**53 - 1) survive every JSON parser exactly (I-JSON,
# RFC 7493). Ours rounds integers beyond 64 bits to floats, so a bound at
# the 64-bit edge could not be checked exactly; this one fits any database.
MAX_SAFE_INTEGER = 2**53 - 1
INTEGER = {"type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER}
NON_NEGATIVE = {"type": "integer", "minimum": 0, "maximum": MAX_SAFE_INTEGER}

CLIENT_ID = {"type": "string", "pattern": CLIENT_ID_PATTERN, "maxLength": MAX_ID_LENGTH}

ACTIONS = ["backup", "restore", "info", "admin", "exec"]
MODES = ["fs", "mongo", "mysql", "sqlserver", "cinder", "glance", "cindernative", "nova"]
STORAGES = ["local", "swift", "ssh", "s3", "ftp", "ftps"]
ENGINES = ["tar", "rsync", "rsyncv2", "nova", "osbrick", "glance"]

# Fields of every stored document, in responses. Ids are described loosely
# there: documents may predate today's id rules (v1 composite backup ids).
STORED_ID = {"type": "string"}
OWNER_FIELDS = {"project_id": STORED_ID, "user_id": STORED_ID}
VERSION = {**INTEGER, "description": "the document's version, on single-document reads only"}
