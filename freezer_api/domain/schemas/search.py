"""The search object list requests carry in their body (docs/search.md)."""

from freezer_api.domain.schemas.common import MAX_SAFE_INTEGER, Schema

_PAIRS = {
    "type": ["array", "null"],
    "items": {"type": "object", "description": "field name -> value; a field of that name at any depth must equal it"},
}

_EPOCH = {
    "anyOf": [
        {"type": "null"},
        {"type": "number", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER},
        {"type": "string", "pattern": r"^\s*-?[0-9]{1,15}\s*$"},
    ],
    "description": "epoch seconds, inclusive",
}

# Clients send the time bounds on every kind; only backups have a time_stamp.
IGNORED_TIME_BOUND = {"description": "accepted and ignored: only backups have a time_stamp"}

# null, like an absent body, means no filter.
SEARCH: Schema = {
    "type": ["object", "null"],
    "properties": {
        "match": {**_PAIRS, "description": "keep documents where every pair of every object matches"},
        "match_not": {**_PAIRS, "description": "drop documents where any pair matches"},
        "time_after": IGNORED_TIME_BOUND,
        "time_before": IGNORED_TIME_BOUND,
    },
    # Any other key is a 400 that names it (docs/search.md): a misspelt
    # "mtach" must not silently list everything.
    "additionalProperties": False,
}

# Backups also bound backup_metadata.time_stamp.
BACKUP_SEARCH = {
    **SEARCH,
    "properties": {**SEARCH["properties"], "time_after": _EPOCH, "time_before": _EPOCH},
}
