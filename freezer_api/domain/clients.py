"""Registered freezer-scheduler instances (docs/resources.md#clients)."""

from __future__ import annotations

from typing import Any

from freezer_api.context import RequestContext
from freezer_api.domain.documents import require_storable_marker, unknown_marker
from freezer_api.domain.errors import BadRequest, Conflict, Forbidden, NotFound, not_found
from freezer_api.domain.ids import is_possible_client_id, new_id
from freezer_api.domain.liveness import LivenessRecorder
from freezer_api.domain.ports import Scope, Store, StoredDocument, UnitOfWork, prepare
from freezer_api.domain.schemas import clients as schemas
from freezer_api.domain.schemas.common import ACTIONS, ENGINES, MODES, STORAGES
from freezer_api.domain.search import SearchQuery, parse_search
from freezer_api.domain.validation import require_object, validate

# Capability lists a registration may omit, with what an omitted one means.
CAPABILITIES = {
    "supported_actions": ACTIONS,
    "supported_modes": MODES,
    "supported_storages": STORAGES,
    "supported_engines": ENGINES,
}

# Client fields an update may set when absent but never change.
READ_ONLY = ("client_id", "uuid", "is_central", "hostname")


def is_central(stored: StoredDocument) -> bool:
    return bool(stored.doc["client"].get("is_central"))


class Clients:
    def __init__(self, store: Store, liveness: LivenessRecorder | None = None):
        self.store = store
        self.liveness = liveness

    def register(self, ctx: RequestContext, project_id: str, body: Any, *, refresh: bool = True) -> str:
        """Register a client, or refresh the registration this project already has.

        With `refresh` false (the v1 rule) an existing registration is a Conflict.
        """
        info = dict(require_object(body))
        validate(schemas.REGISTER, info)
        client_id = info["client_id"]
        central = bool(info.get("is_central", False))
        uuid = info.get("uuid") or new_id()
        client = {**info, "uuid": uuid, "description": info.get("description"), "is_central": central}
        for key, every_value in CAPABILITIES.items():
            client.setdefault(key, list(every_value))
        # Encoded now, outside the transaction: used if this is a new registration.
        new_registration = prepare({"project_id": project_id, "user_id": ctx.user_id, "client": client})

        def change(uow: UnitOfWork) -> str:
            elsewhere = [c for c in uow.clients.find_everywhere(client_id) if c.project_id != project_id]
            if any(is_central(c) for c in elsewhere) or (central and elsewhere):
                raise Conflict(f"Client {client_id!r} is already registered by another project.")
            own = uow.clients.get(project_id, client_id, for_update=True)
            if own is not None:
                if not refresh:
                    raise Conflict(f"Client {client_id!r} is already registered in project {project_id!r}.")
                _refresh(uow, own, info)
                return client_id
            if "uuid" in info and _uuid_taken(uow, project_id, uuid):
                raise Conflict(f"A client with uuid {uuid!r} already exists.")
            uow.clients.insert(project_id, client_id, ctx.user_id, new_registration)
            return client_id

        registered = self.store.atomic(change)
        if self.liveness is not None:
            self.liveness.saw(project_id, client_id)  # a scheduler registers when it starts
        return registered

    def get(self, project_id: str, client_id: str) -> StoredDocument:
        with self.store.reading() as uow:
            return visible_client(uow, project_id, client_id)

    def list(
        self, project_id: str, search_body: Any, *, limit: int, offset: int, marker: str | None = None
    ) -> list[str]:
        """The project's clients and every central one; after the client with id `marker` when given."""
        query = parse_search(search_body)
        require_storable_marker("client", marker)
        scope = Scope(project_id, include_central=True)
        with self.store.reading() as uow:
            page = uow.clients.search(scope, query, limit=limit, offset=offset, after_id=marker)
            if not page and marker is not None:
                try:
                    visible_client(uow, project_id, marker)
                except NotFound:
                    raise unknown_marker("client", marker) from None
            return page

    def update(self, project_id: str, client_id: str, body: Any) -> StoredDocument:
        """Merge client info into the project's own registration; the stored result."""
        changes = require_object(body)

        def change(uow: UnitOfWork) -> StoredDocument:
            own = _own_client(uow, project_id, client_id)
            before = own.doc["client"]
            client = {**before, **changes}
            for key in READ_ONLY:
                if key in before and client[key] != before[key]:
                    raise BadRequest(f"'{key}' of a registered client cannot change.")
            validate(schemas.REGISTER, client)
            uow.clients.replace(own, {**own.doc, "client": client})
            return own

        return self.store.atomic(change)

    def delete(self, project_id: str, client_id: str) -> None:
        self.store.atomic(lambda uow: uow.clients.delete(_own_client(uow, project_id, client_id)))


def _own_client(uow: UnitOfWork, project_id: str, client_id: str) -> StoredDocument:
    """The project's own client, locked for a change; Forbidden for another project's central one."""
    if not is_possible_client_id(client_id):
        raise not_found("client", client_id, project_id)
    own = uow.clients.get(project_id, client_id, for_update=True)
    if own is not None:
        return own
    if any(is_central(c) for c in uow.clients.find_everywhere(client_id)):
        raise Forbidden(f"Client {client_id!r} is a central client of another project.")
    raise not_found("client", client_id, project_id)


def visible_client(uow: UnitOfWork, project_id: str, client_id: str) -> StoredDocument:
    """The project's own client with this id, else another project's central one."""
    if not is_possible_client_id(client_id):
        raise not_found("client", client_id, project_id)
    own = uow.clients.get(project_id, client_id)
    if own is not None:
        return own
    for candidate in uow.clients.find_everywhere(client_id):
        if is_central(candidate):
            return candidate
    raise not_found("client", client_id, project_id)


def _refresh(uow: UnitOfWork, stored: StoredDocument, info: dict) -> None:
    """Re-registration: description and capabilities follow the newest registration."""
    doc = stored.doc
    client = dict(doc["client"])
    changed = False
    for key in ("description", *CAPABILITIES):
        if key in info and client.get(key) != info[key]:
            client[key] = info[key]
            changed = True
    if changed:
        uow.clients.replace(stored, {**doc, "client": client})


def _uuid_taken(uow: UnitOfWork, project_id: str, uuid: str) -> bool:
    query = SearchQuery()
    query.add_match("uuid", uuid)
    return bool(uow.clients.search(Scope(project_id), query, limit=1, offset=0))
