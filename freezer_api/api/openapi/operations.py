"""One row per operation the API serves: the table the OpenAPI document is built from.

Each API version lists its operations in its own module (v2.py, ...), so
documenting a new route is adding a row; tests/api/test_openapi.py fails
while a route the app serves has no row, or a row has no route.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from freezer_api.domain.schemas.search import BACKUP_SEARCH, IGNORED_TIME_BOUND

JSON = "application/json"

# Statuses every operation of a kind can answer, beside its success.
AUTHENTICATED = (401, 403)
READS_BODY = (400, 413, 415)
USES_DATABASE = (503,)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    status: int  # the success status
    response: dict | None  # JSON Schema of the success body; None: no body
    errors: tuple[int, ...] = ()
    body: dict | None = None  # JSON Schema of the request body
    body_required: bool = False
    query: tuple[str, ...] = ()  # names of components.parameters
    description: str = ""
    public: bool = False  # served without authentication
    media_type: str = JSON  # of the success body
    creates: str | None = None  # the id (path parameter name) of the document a success returns
    other_content: tuple[tuple[str, dict], ...] = ()  # (media type, schema): other forms of the success body
    error_responses: tuple[tuple[int, str], ...] = ()  # (status, name): a richer error than _ERRORS' (RESPONSES)
    token_optional: bool = False  # public, but a token may unlock more


@dataclass(frozen=True, eq=False)
class DocumentKind:
    """A kind of document served as a collection and items under one prefix."""

    prefix: str  # "/v2/{project_id}"
    name: str  # "backups": path segment, list key, tag
    id_name: str  # "backup_id"
    noun: str  # "backup"
    title: str  # "Backup": the prefix of its published schema names
    document: dict  # JSON Schema of one document as returned

    @property
    def collection(self) -> str:
        return f"{self.prefix}/{self.name}"

    @property
    def item(self) -> str:
        return f"{self.collection}/{{{self.id_name}}}"

    def op_id(self, verb: str, *, plural: bool = False) -> str:
        """`v2_get_backup`, `v2_list_backups`: unique, stable names for generated clients."""
        version = self.prefix.strip("/").split("/")[0]
        return f"{version}_{verb}_{self.name if plural else self.noun}"

    @cached_property
    def id_result(self) -> dict:
        """What a create answers: `{"<kind>_id": ...}`."""
        return {
            "type": "object",
            "properties": {self.id_name: {"type": "string"}},
            "required": [self.id_name],
            "additionalProperties": False,
        }

    @cached_property
    def version_result(self) -> dict:
        """What a replace or a PATCH answers: `{"<kind>_id": ..., "version": n}`."""
        return {
            "type": "object",
            "properties": {self.id_name: {"type": "string"}, "version": {"type": "integer", "minimum": 1}},
            "required": [self.id_name, "version"],
            "additionalProperties": False,
        }

    @cached_property
    def list_result(self) -> dict:
        return {
            "type": "object",
            "properties": {self.name: {"type": "array", "items": self.document}},
            "required": [self.name],
            "additionalProperties": False,
        }

    def schemas(self) -> dict[str, dict]:
        """The kind's response schemas under their published names."""
        return {
            self.title: self.document,
            f"{self.title}List": self.list_result,
            f"{self.title}Id": self.id_result,
            f"{self.title}Version": self.version_result,
        }


def listing(
    kind: DocumentKind,
    search: dict,
    *,
    query: tuple[str, ...] = ("limit", "offset"),
    errors: tuple[int, ...] = (),
    description: str = "",
) -> Operation:
    return Operation(
        "GET",
        kind.collection,
        kind.op_id("list", plural=True),
        f"List {kind.name}, filtered by a search body",
        kind.name,
        200,
        kind.list_result,
        (*READS_BODY, *AUTHENTICATED, *errors, *USES_DATABASE),
        body=search,
        query=(*query, "backup_search" if search is BACKUP_SEARCH else "search"),
        description=(
            "The optional JSON body of this GET is a search object (match, match_not"
            + (", time_after, time_before" if search["properties"]["time_after"] is not IGNORED_TIME_BOUND else "")
            + "); browsers, which send no body with GET, give the same object URL-encoded as the `search` "
            "query parameter (both at once: 400). Documents are ordered by creation, then id. " + description
        ).strip(),
    )


def creation(
    kind: DocumentKind, body: dict, *, errors: tuple[int, ...] = (), summary: str = "", description: str = ""
) -> Operation:
    return Operation(
        "POST",
        kind.collection,
        kind.op_id("create"),
        summary or f"Create a {kind.noun}",
        kind.name,
        201,
        kind.id_result,
        (*READS_BODY, *AUTHENTICATED, *errors, *USES_DATABASE),
        body=body,
        body_required=True,
        description=description,
        creates=kind.id_name,
    )


def showing(kind: DocumentKind, *, errors: tuple[int, ...] = (), description: str = "") -> Operation:
    return Operation(
        "GET",
        kind.item,
        kind.op_id("get"),
        f"Get one {kind.noun}",
        kind.name,
        200,
        kind.document,
        (400, *AUTHENTICATED, 404, *errors, *USES_DATABASE),
        description=description,
    )


def replacing(
    kind: DocumentKind, body: dict, *, errors: tuple[int, ...] = (), description: str = ""
) -> list[Operation]:
    """POST to the item creates or replaces it (docs/original-defects.md#d22); PUT is the same operation."""
    summary = f"Create the {kind.noun} with this id, or replace it"
    return [
        Operation(
            method,
            kind.item,
            kind.op_id(verb),
            summary,
            kind.name,
            201,
            kind.version_result,
            (*READS_BODY, *AUTHENTICATED, 409, *errors, *USES_DATABASE),
            body=body,
            body_required=True,
            creates=kind.id_name,
            description=(description + (" PUT is an alias of POST here." if method == "PUT" else "")).strip(),
        )
        for method, verb in (("POST", "replace"), ("PUT", "put"))
    ]


def patching(
    kind: DocumentKind, body: dict, *, response: dict | None = None, errors: tuple[int, ...] = (), description: str = ""
) -> Operation:
    return Operation(
        "PATCH",
        kind.item,
        kind.op_id("update"),
        f"Change some fields of a {kind.noun}",
        kind.name,
        200,
        response or kind.version_result,
        (*READS_BODY, *AUTHENTICATED, 404, 409, *errors, *USES_DATABASE),
        body=body,
        body_required=True,
        description=description,
    )


def deleting(kind: DocumentKind, *, errors: tuple[int, ...] = (), description: str = "") -> Operation:
    return Operation(
        "DELETE",
        kind.item,
        kind.op_id("delete"),
        f"Delete a {kind.noun}",
        kind.name,
        204,
        None,
        (400, *AUTHENTICATED, 404, *errors, *USES_DATABASE),
        description=description,
    )
