"""Jobs: what a scheduler runs, when, and the events that steer it (docs/jobs.md)."""

from __future__ import annotations

import builtins
import copy
from typing import Any

import orjson

from freezer_api.context import RequestContext
from freezer_api.domain.actions import store_job_actions
from freezer_api.domain.clients import CAPABILITIES, is_central, visible_client
from freezer_api.domain.clock import now
from freezer_api.domain.documents import DocumentService, server_owned
from freezer_api.domain.errors import BadRequest, Conflict, NotFound, Unprocessable, not_found
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.ids import is_possible_id, new_id, require_valid_id
from freezer_api.domain.liveness import LivenessRecorder, client_of_poll
from freezer_api.domain.ports import DocumentRepository, Scope, Store, StoredDocument, UnitOfWork
from freezer_api.domain.runs import track_job_transition
from freezer_api.domain.schemas import jobs as schemas
from freezer_api.domain.search import SearchQuery, parse_search
from freezer_api.domain.trusts import NoTrusts, TrustBroker
from freezer_api.domain.validation import require_object, validate

# Body keys a client may send but never sets: the server owns them
# (docs/original-defects.md#d01, docs/original-defects.md#d05, docs/original-defects.md#d15);
# action_defaults is expanded into the actions, never stored.
SERVER_OWNED = server_owned("job_id", "action_defaults")

# freezer_action key -> the client capability list that must contain its value.
# Agents name the engine `engine_name`; upstream only ever checked `engine` (docs/original-defects.md#d26).
CAPABILITY_OF = {
    "action": "supported_actions",
    "mode": "supported_modes",
    "storage": "supported_storages",
    "engine": "supported_engines",
    "engine_name": "supported_engines",
}

EVENT_RESULTS = {"start": "success", "stop": "success", "abort": "success"}


def expand_action_defaults(body: dict) -> dict:
    """Copy `action_defaults` into every job action that lacks the key (docs/jobs.md#action-defaults)."""
    defaults = body.get("action_defaults")
    if defaults is None:
        return body
    if not isinstance(defaults, dict):
        raise BadRequest("action_defaults must be an object.")
    entries = body.get("job_actions")
    if not isinstance(entries, list):
        raise BadRequest("action_defaults needs job_actions to apply to.")
    expanded = copy.deepcopy(body)
    for entry in expanded["job_actions"]:
        if isinstance(entry, dict) and isinstance(entry.get("freezer_action"), dict):
            action = entry["freezer_action"]
            for key, value in defaults.items():
                if action.get(key) is None:
                    action[key] = copy.deepcopy(value)
    return expanded


def check_client(uow: UnitOfWork, project_id: str, client_id: str, entries: list[dict]) -> StoredDocument:
    """The job's client must be visible and support every action it is given (docs/jobs.md#client-checks)."""
    client = _visible_or_422(uow, project_id, client_id)
    info = client.doc["client"]
    for entry in entries:
        action = entry.get("freezer_action") or {}
        for key, capability in CAPABILITY_OF.items():
            value = action.get(key)
            if value is None:
                continue
            supported = info.get(capability, CAPABILITIES[capability])
            if value not in supported:
                raise Unprocessable(f"Client {client_id!r} does not support {key}: {value!r}.")
    return client


def _clean(body: dict) -> dict:
    return {key: value for key, value in body.items() if key not in SERVER_OWNED}


def _new_schedule(submitted: dict | None) -> dict:
    schedule = dict(submitted or {})
    schedule.update(time_created=now(), time_started=-1, time_ended=-1)
    return schedule


def _job_document(ctx_user: str, project_id: str, job_id: str, body: dict, entries: list[dict], schedule: dict) -> dict:
    """A whole job: what the body gives, defaults for what it omits (docs/original-defects.md#d20)."""
    doc = {
        "job_id": job_id,
        "project_id": project_id,
        "user_id": ctx_user,
        "client_id": body["client_id"],
        "description": body.get("description", ""),
        "session_id": body.get("session_id") or "",
        "session_tag": body.get("session_tag", 0),
        "job_schedule": schedule,
        "job_actions": entries,
    }
    if "session_name" in body:
        doc["session_name"] = body["session_name"]
    return doc


class Jobs(DocumentService):
    noun = "job"

    def __init__(
        self,
        store: Store,
        trusts: TrustBroker | None = None,
        *,
        health: HealthPolicy | None = None,
        liveness: LivenessRecorder | None = None,
    ):
        super().__init__(store)
        self.trusts: TrustBroker = trusts or NoTrusts()
        self.health = health or HealthPolicy()
        self.liveness = liveness

    def track(
        self,
        uow: UnitOfWork,
        project_id: str,
        job_id: str,
        before: dict | None,
        after: dict | None,
        *,
        reported: bool = True,
        ctx: RequestContext | None = None,
    ) -> None:
        """Every job write goes through here: runs open and close with its transitions (docs/health.md#runs).

        `reported` false: a write that is not the scheduler's report (a create or a replace by id).
        """
        track_job_transition(
            uow, project_id, job_id, before, after, now(), zone=self.health.zone, reported=reported, ctx=ctx
        )

    def _saw(self, project_id: str, client_id: Any) -> None:
        if self.liveness is not None and isinstance(client_id, str):
            self.liveness.saw(project_id, client_id)

    @staticmethod
    def repository(uow: UnitOfWork) -> DocumentRepository:
        return uow.jobs

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        """POST /jobs: a new job (the body may choose its id)."""
        body = expand_action_defaults(require_object(body))
        validate(schemas.CREATE, body)
        job_id = body.get("job_id") or new_id()
        with self.store.reading() as reader:
            client = _visible_or_422(reader, project_id, body["client_id"])
        credentials = self.trusts.credentials_for_new_job(ctx, project_id, client_is_central=is_central(client))
        fields = _clean(body)

        def change(uow: UnitOfWork) -> str:
            if uow.jobs.get(project_id, job_id) is not None:
                raise Conflict(f"Job {job_id!r} already exists.")
            entries = store_job_actions(uow, ctx, project_id, fields["job_actions"])
            check_client(uow, project_id, fields["client_id"], entries)
            doc = _job_document(
                ctx.user_id, project_id, job_id, fields, entries, _new_schedule(fields.get("job_schedule"))
            )
            if credentials:
                doc["user_credentials"] = credentials
            uow.jobs.insert(project_id, job_id, ctx.user_id, doc)
            self.track(uow, project_id, job_id, None, doc, reported=False)
            return job_id

        return self.store.atomic(change)

    def replace(self, ctx: RequestContext, project_id: str, job_id: str, body: Any) -> int:
        """POST /jobs/{job_id}: create the job with this id, or replace it; its version."""
        require_valid_id("job_id", job_id)
        body = expand_action_defaults(require_object(body))
        validate(schemas.CREATE, body)
        fields = _clean(body)

        def change(uow: UnitOfWork) -> int:
            replaced: list[dict | None] = []

            def document(stored: StoredDocument | None) -> dict:
                replaced.append(None if stored is None else stored.doc)
                doc = _replacement(stored)
                replaced.append(doc)
                return doc

            def _replacement(stored: StoredDocument | None) -> dict:
                entries = store_job_actions(uow, ctx, project_id, fields["job_actions"])
                check_client(uow, project_id, fields["client_id"], entries)
                if stored is None:
                    schedule = _new_schedule(fields.get("job_schedule"))
                    return _job_document(ctx.user_id, project_id, job_id, fields, entries, schedule)
                old = stored.doc
                schedule = dict(fields.get("job_schedule") or {})
                schedule.setdefault("time_created", old.get("job_schedule", {}).get("time_created", now()))
                doc = _job_document(old["user_id"], project_id, job_id, fields, entries, schedule)
                if "user_credentials" in old:
                    doc["user_credentials"] = old["user_credentials"]
                return doc

            version = self.create_or_replace(uow, ctx, project_id, job_id, document)
            self.track(uow, project_id, job_id, replaced[0], replaced[1], reported=False)
            return version

        return self.store.atomic(change)

    def patch(self, ctx: RequestContext, project_id: str, job_id: str, body: Any) -> int:
        """PATCH /jobs/{job_id}: change the fields given, keep the others; the new version.

        docs/original-defects.md#d04
        """
        body = require_object(body)
        if "action_defaults" in body:
            body = expand_action_defaults(body)
        validate(schemas.PATCH, body)
        fields = _clean(body)

        def change(uow: UnitOfWork) -> tuple[int, Any]:
            stored = self.existing(uow, project_id, job_id, for_update=True)
            doc = copy.deepcopy(stored.doc)
            if "job_actions" in fields:
                doc["job_actions"] = store_job_actions(uow, ctx, project_id, fields["job_actions"])
            for key in ("client_id", "description", "session_tag", "session_name", "job_schedule"):
                if key in fields:
                    doc[key] = fields[key]
            if "session_id" in fields:
                doc["session_id"] = fields["session_id"] or ""
            if "client_id" in fields or "job_actions" in fields:
                check_client(uow, project_id, doc["client_id"], doc["job_actions"])
            before = stored.doc
            version = uow.jobs.replace(stored, doc)
            self.track(uow, project_id, job_id, before, doc, ctx=ctx)
            return version, doc.get("client_id")

        version, client_id = self.store.atomic(change)
        if "job_schedule" in fields:  # what freezer-scheduler PATCHes: its client is alive
            self._saw(project_id, client_id)
        return version

    def event(self, project_id: str, job_id: str, body: Any) -> str:
        """Apply start, stop or abort to the job's schedule, once (docs/jobs.md#events)."""
        if not isinstance(body, dict) or len(body) != 1:
            raise BadRequest("Bad event request format: send one key, start, stop or abort.")
        (name,) = body
        if name not in schemas.EVENT_NAMES:
            raise BadRequest(f"Bad Action Method: unknown event {name!r}; use start, stop or abort.")

        def change(uow: UnitOfWork) -> str:
            stored = self.existing(uow, project_id, job_id, for_update=True)
            doc = copy.deepcopy(stored.doc)
            schedule = doc.setdefault("job_schedule", {})
            if schedule.get("event") == name:
                return f"{name} already requested"
            schedule["event"] = name
            if name == "start":
                schedule["status"] = ""
                schedule["result"] = ""
            before = stored.doc
            uow.jobs.replace(stored, doc)
            abandon = name == "abort" and self._run_is_stuck(uow, project_id, job_id)
            # An event is the server's write, not a report of a run: it closes a run only when abandoning it.
            track_job_transition(
                uow, project_id, job_id, before, doc, now(), zone=self.health.zone, abandon=abandon, reported=False
            )
            return EVENT_RESULTS[name]

        return self.store.atomic(change)

    def get(self, project_id: str, job_id: str, *, any_project: bool = False) -> StoredDocument:
        """The job; `any_project` lets a privileged caller find it in any project."""
        if not is_possible_id(job_id):
            raise not_found("job", job_id, project_id)
        with self.store.reading() as uow:
            stored = uow.jobs.get(project_id, job_id)
            if stored is None and any_project:
                found = uow.jobs.find_everywhere(job_id)
                stored = found[0] if found else None
            if stored is None:
                raise not_found("job", job_id, project_id)
            return stored

    def list(
        self,
        project_id: str,
        search_body: Any,
        *,
        limit: int,
        offset: int,
        marker: str | None = None,
        all_projects: bool = False,
    ) -> builtins.list[str]:
        self._saw(project_id, client_of_poll(search_body))  # a scheduler's poll names its client
        if not all_projects:
            return super().list(project_id, search_body, limit=limit, offset=offset, marker=marker)
        if marker is not None:
            raise BadRequest("A marker pages the jobs of one project: it cannot be combined with all_projects.")
        query = parse_search(search_body)
        with self.store.reading() as uow:
            return uow.jobs.search(Scope(None), query, limit=limit, offset=offset)

    def hide_foreign_pids(self, caller_project: str, raw_jobs: builtins.list[str]) -> builtins.list[str]:
        """Drop `current_pid` from jobs run by another project's central scheduler.

        docs/jobs.md#listing-across-projects
        """
        if not raw_jobs:
            return raw_jobs
        with self.store.reading() as uow:
            foreign = uow.clients.central_client_ids(excluding_project=caller_project)
        if not foreign:
            return raw_jobs
        return [_without_pid(raw) if _client_of(raw) in foreign else raw for raw in raw_jobs]

    def _run_is_stuck(self, uow: UnitOfWork, project_id: str, job_id: str) -> bool:
        """Whether the job's open run will never be reported: too old, or its client is down."""
        facts = uow.job_facts.get(project_id, job_id)
        if facts is None or facts.open_started_at is None:
            return False
        at = now()
        if at > facts.open_started_at + self.health.max_run_time:
            return True
        last_seen = uow.liveness.last_seen(project_id, facts.client_id)
        return last_seen is not None and at > last_seen + self.health.client_down_after

    def delete(self, project_id: str, job_id: str, *, ctx: RequestContext | None = None) -> StoredDocument:
        """Delete the job (an open run of it is lost); its trust goes too when no other job uses it."""

        def change(uow: UnitOfWork) -> StoredDocument:
            stored = self.existing(uow, project_id, job_id, for_update=True)
            uow.jobs.delete(stored)
            self.track(uow, project_id, job_id, stored.doc, None, ctx=ctx)
            return stored

        stored = self.store.atomic(change)
        credentials = stored.doc.get("user_credentials")
        if credentials and ctx is not None:
            self.trusts.release(ctx, credentials, still_used=self._trust_in_use(project_id, credentials))
        return stored

    def _trust_in_use(self, project_id: str, credentials: dict) -> bool:
        query = SearchQuery()
        query.add_match("trust_id", credentials.get("trust_id"))
        with self.store.reading() as uow:
            return bool(uow.jobs.search(Scope(project_id), query, limit=1, offset=0))


def _visible_or_422(uow: UnitOfWork, project_id: str, client_id: str) -> StoredDocument:
    """The visible client; an unknown one is a 422 (a body naming nothing), not a 404."""
    try:
        return visible_client(uow, project_id, client_id)
    except NotFound:
        raise Unprocessable(f"Client not found with ID {client_id!r}.") from None


def _client_of(raw: str) -> str | None:
    return orjson.loads(raw).get("client_id")


def _without_pid(raw: str) -> str:
    doc = orjson.loads(raw)
    doc.get("job_schedule", {}).pop("current_pid", None)
    return orjson.dumps(doc).decode()
