"""Sessions: jobs on several hosts that start together (docs/sessions.md)."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from freezer_api.context import RequestContext
from freezer_api.domain import events
from freezer_api.domain.clock import now
from freezer_api.domain.documents import DocumentService, patched, server_owned
from freezer_api.domain.errors import BadRequest, UnknownAction, not_found
from freezer_api.domain.ids import is_possible_id, new_id, require_valid_id
from freezer_api.domain.ports import DocumentRepository, StoredDocument, UnitOfWork
from freezer_api.domain.runs import track_job_transition
from freezer_api.domain.schemas import sessions as schemas
from freezer_api.domain.validation import require_object, validate

# Set by the server, never taken from a body (docs/original-defects.md#d01, docs/original-defects.md#d15);
# sessions carry no credentials (docs/original-defects.md#d05).
SERVER_OWNED = server_owned("session_id")
DEFAULT_HOLD_OFF = 30
# What a session falls back to when a stored document has no hold_off.
LEGACY_HOLD_OFF = 60


@dataclass(frozen=True)
class ActionOutcome:
    result: str
    session_tag: int


def _session_document(body: dict, session_id: str, project_id: str, user_id: str, *, status: str | None) -> dict:
    """A whole session from a create or replace body; omitted fields take their defaults."""
    doc = {key: value for key, value in body.items() if key not in (*SERVER_OWNED, "jobs")}
    doc.update(session_id=session_id, project_id=project_id, user_id=user_id)
    doc.setdefault("description", "")
    doc.setdefault("session_tag", 0)
    doc.setdefault("hold_off", DEFAULT_HOLD_OFF)
    doc.setdefault("result", "")
    for key in ("time_start", "time_end", "time_started", "time_ended"):
        doc.setdefault(key, -1)
    doc["status"] = status or doc.get("status") or "active"
    jobs = body.get("jobs")
    doc["jobs"] = copy.deepcopy(jobs) if isinstance(jobs, dict) and status is None else {}
    return doc


def overall_result(members: dict) -> str:
    """`running` while any member is unfinished, else `fail` if any failed, else `success`.

    docs/sessions.md#result, docs/original-defects.md#d28
    """
    if any(member.get("status") != "completed" for member in members.values()):
        return "running"
    if any(member.get("result") != "success" for member in members.values()):
        return "fail"
    return "success"


def _tag(value: int | str) -> int:
    return int(value)  # the schema admits integers and strings of digits only


class Sessions(DocumentService):
    # The agents' zone, for the expected starts of member jobs (set by Services.over).
    zone: datetime.tzinfo = datetime.UTC
    noun = "session"

    @staticmethod
    def repository(uow: UnitOfWork) -> DocumentRepository:
        return uow.sessions

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        body = require_object(body)
        validate(schemas.CREATE, body)
        session_id = new_id()
        doc = _session_document(body, session_id, project_id, ctx.user_id, status="active")
        self.store.atomic(lambda uow: uow.sessions.insert(project_id, session_id, ctx.user_id, doc))
        return session_id

    def replace(self, ctx: RequestContext, project_id: str, session_id: str, body: Any) -> int:
        """Create the session with this id, or replace it: replace means replace (docs/original-defects.md#d20)."""
        require_valid_id("session_id", session_id)
        body = require_object(body)
        validate(schemas.REPLACE, body)

        def document(stored: StoredDocument | None) -> dict:
            owner = ctx.user_id if stored is None else stored.doc["user_id"]
            return _session_document(body, session_id, project_id, owner, status=None)

        return self.store.atomic(lambda uow: self.create_or_replace(uow, ctx, project_id, session_id, document))

    def patch(self, ctx: RequestContext, project_id: str, session_id: str, body: Any) -> int:
        """Merge `jobs`, replace `schedule` and every other field given (docs/sessions.md#create)."""
        validate(schemas.PATCH, require_object(body))
        patch = {k: v for k, v in body.items() if k not in SERVER_OWNED}

        def change(uow: UnitOfWork) -> int:
            stored = self.existing(uow, project_id, session_id, for_update=True)
            return uow.sessions.replace(stored, patched(stored.doc, patch, merged="jobs"))

        return self.store.atomic(change)

    def action(
        self, project_id: str, session_id: str, body: Any, *, ctx: RequestContext | None = None
    ) -> ActionOutcome:
        """POST /sessions/{id}/action: `start` or `end` a run (docs/sessions.md#state-machine), atomically.

        The end that completes the session records freezer.session.end.
        """
        if not isinstance(body, dict) or len(body) != 1:
            raise BadRequest("Send one key, start or end, with its parameters.")
        (name, parameters) = next(iter(body.items()))
        if name not in schemas.ACTION_NAMES:
            raise UnknownAction(f"Unknown session action {name!r}; use start or end.")
        if not isinstance(parameters, dict):
            raise BadRequest(f"The parameters of {name} must be an object.")
        validate(schemas.START if name == "start" else schemas.END, parameters)
        job_id = parameters["job_id"]

        def change(uow: UnitOfWork) -> ActionOutcome:
            stored = self.existing(uow, project_id, session_id, for_update=True)
            doc = copy.deepcopy(stored.doc)
            jobs = doc.setdefault("jobs", {})
            if job_id not in jobs:
                raise BadRequest(f"job_id {job_id!r} not found in session {session_id!r}.")
            if name == "start":
                outcome = _start(doc, job_id, _tag(parameters["current_tag"]), now())
            else:
                outcome = _end(doc, job_id, parameters["result"], now())
                if doc.get("status") == "completed" and stored.doc.get("status") != "completed":
                    events.record(uow, events.session_ended(ctx, project_id, doc, job_id))
            if doc != stored.doc:
                uow.sessions.replace(stored, doc)
            return outcome

        return self.store.atomic(change)

    def add_job(self, project_id: str, session_id: str, job_id: str) -> None:
        """Make the job a member: it takes the session's schedule and tag (docs/sessions.md#membership)."""

        def change(uow: UnitOfWork) -> None:
            session = self.existing(uow, project_id, session_id, for_update=True)
            job = _existing_job(uow, project_id, job_id)
            previous = job.doc.get("session_id")
            if previous and previous != session_id:
                _forget_member(uow, project_id, previous, job_id)
            session_doc = copy.deepcopy(session.doc)
            schedule = job.doc.get("job_schedule") or {}
            session_doc.setdefault("jobs", {})[job_id] = {
                "client_id": job.doc.get("client_id", ""),
                "status": schedule.get("status", ""),
                "result": schedule.get("result", ""),
                "time_started": schedule.get("time_started", ""),
                "time_ended": schedule.get("time_ended", ""),
            }
            uow.sessions.replace(session, session_doc)
            job_doc = copy.deepcopy(job.doc)
            job_doc["session_id"] = session_id
            job_doc["session_tag"] = session_doc.get("session_tag", 0)
            job_doc["job_schedule"] = copy.deepcopy(session_doc.get("schedule") or {})
            before = job.doc
            uow.jobs.replace(job, job_doc)
            track_job_transition(uow, project_id, job_id, before, job_doc, now(), zone=self.zone, reported=False)

        self.store.atomic(change)

    def remove_job(self, project_id: str, session_id: str, job_id: str) -> None:
        """Drop the job from the session; a member job is told to stop (docs/sessions.md#membership)."""

        def change(uow: UnitOfWork) -> None:
            session = self.existing(uow, project_id, session_id, for_update=True)
            job = _existing_job(uow, project_id, job_id)
            if job_id in (session.doc.get("jobs") or {}):
                session_doc = copy.deepcopy(session.doc)
                del session_doc["jobs"][job_id]
                uow.sessions.replace(session, session_doc)
            if job.doc.get("session_id") == session_id:
                job_doc = copy.deepcopy(job.doc)
                job_doc.update(session_id="", session_tag=0)
                job_doc.setdefault("job_schedule", {})["event"] = "stop"
                before = job.doc
                uow.jobs.replace(job, job_doc)
                track_job_transition(uow, project_id, job_id, before, job_doc, now(), zone=self.zone, reported=False)

        self.store.atomic(change)


def _start(doc: dict, job_id: str, tag: int, at: int) -> ActionOutcome:
    stored_tag = doc.get("session_tag", 0)
    if tag > stored_tag:
        raise BadRequest(f"requested tag value too high: {tag} > {stored_tag}.")
    hold_off = doc.get("hold_off", LEGACY_HOLD_OFF)
    time_start = doc.get("time_start", -1)
    within_hold_off = time_start >= 0 and at - time_start <= hold_off
    if within_hold_off:
        if tag == stored_tag:
            return ActionOutcome("hold-off", stored_tag)
        _member_running(doc, job_id, at)  # a late member of the current run
        return ActionOutcome("success", stored_tag)
    if tag < stored_tag:
        return ActionOutcome("out-of-sync", stored_tag)
    # The first member after the hold-off window starts a new run.
    doc["session_tag"] = stored_tag + 1
    doc.update(time_start=at, status="running", result="")
    for member in doc["jobs"].values():
        member.update(status="", result="")
    _member_running(doc, job_id, at)
    return ActionOutcome("success", doc["session_tag"])


def _member_running(doc: dict, job_id: str, at: int) -> None:
    doc["jobs"][job_id].update(status="running", result="", time_started=at)


def _end(doc: dict, job_id: str, result: str, at: int) -> ActionOutcome:
    doc["jobs"][job_id].update(status="completed", result=result, time_ended=at)
    overall = overall_result(doc["jobs"])
    if doc.get("status") != "completed" and overall != "running":
        doc.update(status="completed", result=overall, time_end=at)
    return ActionOutcome("success", doc.get("session_tag", 0))


def _forget_member(uow: UnitOfWork, project_id: str, session_id: str, job_id: str) -> None:
    previous = uow.sessions.get(project_id, session_id, for_update=True)
    if previous is not None and job_id in (previous.doc.get("jobs") or {}):
        doc = copy.deepcopy(previous.doc)
        del doc["jobs"][job_id]
        uow.sessions.replace(previous, doc)


def _existing_job(uow: UnitOfWork, project_id: str, job_id: str) -> StoredDocument:
    stored = uow.jobs.get(project_id, job_id, for_update=True) if is_possible_id(job_id) else None
    if stored is None:
        raise not_found("job", job_id, project_id)
    return stored
