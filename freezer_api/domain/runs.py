"""Runs: every execution of a job, opened and closed by the job's own transitions (docs/health.md#runs).

A job's PATCH into `status: running` opens a run; its PATCH out of it closes
the run with the result it reports. Both happen in the transaction of the
write that causes them, in one function, track_job_transition: the place
where anything that reacts to a run opening or closing (events, metrics)
hooks in. The same function keeps the job's health facts (JobFacts), what
its health is evaluated from, current.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol

from freezer_api.context import RequestContext
from freezer_api.domain import events
from freezer_api.domain.errors import BadRequest
from freezer_api.domain.ids import new_id
from freezer_api.domain.schedules import next_expected_start, schedule_of, trigger_definition
from freezer_api.domain.schemas import search as search_schemas
from freezer_api.domain.search import reject_unknown_keys
from freezer_api.domain.validation import validate

RUNNING = "running"
LOST = "lost"
REPORTED_RESULTS = ("success", "fail", "aborted")  # what a scheduler reports at the end of a run
RESULTS = (RUNNING, *REPORTED_RESULTS, LOST)
FAILED_RESULTS = ("fail", "aborted")
# Fields a runs search may match on (match / match_not), as the run document names them.
SEARCHABLE = ("result", "client_id", "job_id", "session_id")


@dataclass(frozen=True)
class Run:
    """One execution of a job; immutable once closed (ended_at set)."""

    run_id: str
    job_id: str
    project_id: str
    client_id: str
    session_id: str | None
    session_tag: int | None
    started_at: int
    ended_at: int | None = None
    result: str = RUNNING
    backups: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def document(self) -> dict[str, Any]:
        """The run as the API shows it."""
        return {
            "run_id": self.run_id,
            "job_id": self.job_id,
            "project_id": self.project_id,
            "client_id": self.client_id,
            "session_id": self.session_id,
            "session_tag": self.session_tag,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration": None if self.ended_at is None else self.ended_at - self.started_at,
            "result": self.result,
            "backups": list(self.backups),
        }


class JobFacts(NamedTuple):
    """What a job's health is computed from: kept by every write of the job and of its runs.

    A named tuple: a summary makes one per job of a project from a row, and
    a tuple is the cheapest immutable record Python builds.
    """

    project_id: str
    job_id: str
    client_id: str
    armed_at: int  # when its scheduler (as far as the server saw) armed its trigger
    one_shot: bool
    paused_since: int | None = None
    expected_at: int | None = None  # next expected start; None while a run is open or when none is due
    open_run_id: str | None = None
    open_started_at: int | None = None
    last_run_id: str | None = None  # the latest run, open or closed
    last_result: str | None = None  # of the latest closed run
    last_started_at: int | None = None
    last_ended_at: int | None = None
    last_success_at: int | None = None
    failing_since: int | None = None  # end of the first failed run since the last success


@dataclass(frozen=True)
class RunQuery:
    """A parsed runs search: equality on run fields, and started_at bounds."""

    match: tuple[tuple[str, str], ...] = ()
    match_not: tuple[tuple[str, str], ...] = ()
    started_after: int | None = None
    started_before: int | None = None


@dataclass(frozen=True)
class RunChange:
    """What a job write did to its runs (nothing, one opened, one closed, or both)."""

    opened: Run | None = None
    closed: Run | None = None
    facts: JobFacts | None = None


# -- ports ---------------------------------------------------------------------


class RunRepository(Protocol):
    """The runs, as one unit of work sees them; writes only in a write unit."""

    def open_run(self, project_id: str, job_id: str) -> Run | None: ...

    def add(self, run: Run) -> None:
        """Store a new open run (the database refuses a second open run of one job)."""
        ...

    def close(self, run: Run) -> None:
        """Store the end of an open run: `run` carries ended_at, result and session_tag."""
        ...

    def attach_backup(self, project_id: str, job_id: str, backup_id: str) -> None:
        """Record the backup with the job's open run, if one is open."""
        ...

    def get(self, project_id: str, run_id: str) -> Run | None: ...

    def of_job(self, project_id: str, job_id: str, *, limit: int, offset: int) -> list[Run]:
        """The job's runs, newest first."""
        ...

    def search(self, project_id: str, query: RunQuery, *, limit: int, offset: int) -> list[Run]:
        """The project's runs matching `query`, newest first."""
        ...

    def purge(self, *, ended_before: int, batch: int) -> int:
        """Delete up to `batch` closed runs that ended before then, never a job's latest; how many."""
        ...


class JobFactsRepository(Protocol):
    def get(self, project_id: str, job_id: str) -> JobFacts | None: ...

    def put(self, facts: JobFacts) -> None:
        """Insert or replace the facts of the job."""
        ...

    def delete(self, project_id: str, job_id: str) -> None: ...


class RunsUnit(Protocol):
    """The part of a unit of work the run rules use."""

    @property
    def runs(self) -> RunRepository: ...
    @property
    def job_facts(self) -> JobFactsRepository: ...
    @property
    def events(self) -> events.EventOutbox: ...


# -- searching -------------------------------------------------------------------


def parse_run_search(body: Any) -> RunQuery:
    """The search body of GET /runs: match / match_not on run fields, time bounds on started_at."""
    if body is None:
        return RunQuery()
    if not isinstance(body, dict):
        raise BadRequest("The search body must be a JSON object.")
    reject_unknown_keys(body)
    validate(search_schemas.BACKUP_SEARCH, body)
    after, before = body.get("time_after"), body.get("time_before")
    return RunQuery(
        match=_pairs(body.get("match")),
        match_not=_pairs(body.get("match_not")),
        started_after=None if after is None else int(after),
        started_before=None if before is None else int(before),
    )


def _pairs(entries: list[dict] | None) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for entry in entries or ():
        for name, value in entry.items():
            if name not in SEARCHABLE:
                raise BadRequest(f"Runs can be matched on {', '.join(SEARCHABLE)}; not on {name[:100]!r}.")
            if not isinstance(value, str):
                raise BadRequest(f"A runs search matches {name} on a string; {value!r:.100} is not one.")
            if (name, value) not in pairs:
                pairs.append((name, value))
    return tuple(pairs)


# -- the transitions ------------------------------------------------------------


def track_job_transition(
    uow: RunsUnit,
    project_id: str,
    job_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: int,
    *,
    zone: datetime.tzinfo,
    abandon: bool = False,
    reported: bool = True,
    ctx: RequestContext | None = None,
) -> RunChange:
    """Open or close the job's run as its change from `before` to `after` says, and refresh its facts.

    `before` None: the job is new; `after` None: it is deleted (an open run
    is then lost). `abandon`: close the open run as lost, whatever `after`
    says (an abort of a stuck run, whose agent will never report).
    `reported` false: the write is the server's own (an event, a session
    membership), not the scheduler's report of a run: it opens and closes
    nothing. Runs in the transaction of the job write: no run without its
    transition, no transition without its run, and each run's start and end
    events (freezer.job.run.start / .end) in the same transaction; `ctx`,
    the request that caused the write, if any.
    """
    facts = uow.job_facts.get(project_id, job_id) if before is not None else None
    if facts is None:
        facts = initial_facts(project_id, job_id, before or after or {}, at)
    open_run = uow.runs.open_run(project_id, job_id) if facts.open_run_id is not None else None
    closed = opened = None
    if open_run is not None and (abandon or (reported and _run_ended(before, after))):
        result = LOST if abandon or after is None else _closing_result(after)
        closed = replace(open_run, ended_at=at, result=result, session_tag=_session_tag(after, open_run))
        uow.runs.close(closed)
        _record_end(uow, ctx, closed)
        open_run = None
    if (
        reported
        and open_run is None
        and after is not None
        and not abandon
        and _status(after) == RUNNING
        and (closed is not None or _new_start(before, after))
    ):
        opened = Run(
            run_id=new_id(),
            job_id=job_id,
            project_id=project_id,
            client_id=str(after.get("client_id", "")),
            session_id=after.get("session_id") or None,
            session_tag=after.get("session_tag") if after.get("session_id") else None,
            started_at=at,
        )
        uow.runs.add(opened)
        start = events.run_started(
            ctx, project_id, job_id=job_id, run_id=opened.run_id, client_id=opened.client_id, started_at=at
        )
        events.record(uow, start)
    if after is None:
        uow.job_facts.delete(project_id, job_id)
        return RunChange(opened, closed, None)
    facts = _refreshed(facts, before, after, at, opened=opened, closed=closed, still_open=open_run, zone=zone)
    uow.job_facts.put(facts)
    return RunChange(opened, closed, facts)


def _record_end(uow: RunsUnit, ctx: RequestContext | None, run: Run) -> None:
    assert run.ended_at is not None
    end = events.run_ended(
        ctx,
        run.project_id,
        job_id=run.job_id,
        run_id=run.run_id,
        client_id=run.client_id,
        result=run.result,
        started_at=run.started_at,
        ended_at=run.ended_at,
    )
    events.record(uow, end)


def initial_facts(project_id: str, job_id: str, doc: dict[str, Any], at: int) -> JobFacts:
    """The facts of a job the server has no facts for: armed when it was created."""
    schedule = doc.get("job_schedule") or {}
    created = schedule.get("time_created")
    armed = created if isinstance(created, int) and not isinstance(created, bool) and 0 < created <= at else at
    return JobFacts(
        project_id=project_id,
        job_id=job_id,
        client_id=str(doc.get("client_id", "")),
        armed_at=armed,
        one_shot=schedule_of(schedule).one_shot,
    )


def expected_start(facts: JobFacts, job_schedule: dict[str, Any], zone: datetime.tzinfo) -> int | None:
    """The next expected start of a job not running now, from its facts and schedule."""
    ran_since_armed = facts.last_started_at is not None and facts.last_started_at >= facts.armed_at
    ended = facts.last_ended_at if ran_since_armed else None
    return next_expected_start(job_schedule, armed_at=facts.armed_at, ended_at=ended, zone=zone)


def _status(doc: dict[str, Any] | None) -> str:
    return str(((doc or {}).get("job_schedule") or {}).get("status", ""))


def _schedule(doc: dict[str, Any] | None) -> dict[str, Any]:
    return (doc or {}).get("job_schedule") or {}


def _run_ended(before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """The open run ends: the job left `running`, is gone, or started again (a new time_started)."""
    if after is None or _status(after) != RUNNING:
        return True
    return _started_again(before, after)


def _started_again(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """A new time_started: the scheduler stamps one on every start.

    A job whose time_started the server itself replaced (a session's
    schedule copied in) has none to compare with: the same run goes on.
    """
    old, new = _schedule(before).get("time_started"), _schedule(after).get("time_started")
    return isinstance(old, int) and isinstance(new, int) and old != new


def _new_start(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """With no run open, a PATCH into running starts one, unless it reports on a run already closed."""
    return _status(before) != RUNNING or _started_again(before, after)


def _closing_result(after: dict[str, Any]) -> str:
    """The result the scheduler reported, or lost when the PATCH reports no end of this run.

    freezer-scheduler ends a run by sending result and time_ended; a
    restarted one resets a job it finds `running` without either (the run
    it had was lost with the old process).
    """
    schedule = _schedule(after)
    result = schedule.get("result")
    ended, started = schedule.get("time_ended"), schedule.get("time_started")
    if result not in REPORTED_RESULTS or not isinstance(ended, int) or ended < 0:
        return LOST
    if isinstance(started, int) and ended < started:
        return LOST
    return str(result)


def _session_tag(after: dict[str, Any] | None, run: Run) -> int | None:
    if after is None or not run.session_id or after.get("session_id") != run.session_id:
        return run.session_tag
    tag = after.get("session_tag")
    return tag if isinstance(tag, int) and not isinstance(tag, bool) else run.session_tag


def _is_paused(schedule: dict[str, Any], one_shot: bool) -> bool:
    """Stopped or removed, or told to stop; a recurring job its scheduler completed (it will not run again)."""
    status = schedule.get("status", "")
    if status in ("stop", "removed") or schedule.get("event") == "stop":
        return True
    return status == "completed" and not one_shot


def _armed(before: dict[str, Any] | None, after: dict[str, Any], closed: Run | None) -> bool:
    """Whether this change (re)arms the job's trigger on its scheduler, as far as the server can see.

    The scheduler arms a job when it takes it up (its PATCH into `scheduled`
    from anything but a run), when its schedule changes, and again after a
    restart that lost a run.
    """
    if before is None:
        return True
    old, new = _schedule(before), _schedule(after)
    if new.get("status") == "scheduled" and old.get("status") not in ("scheduled", RUNNING):
        return True
    if new.get("event") == "start" and old.get("event") != "start":
        return True
    if trigger_definition(old) != trigger_definition(new):
        return True
    return closed is not None and closed.result == LOST


def _refreshed(
    facts: JobFacts,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    at: int,
    *,
    opened: Run | None,
    closed: Run | None,
    still_open: Run | None,
    zone: datetime.tzinfo,
) -> JobFacts:
    schedule = _schedule(after)
    one_shot = schedule_of(schedule).one_shot
    changes: dict[str, Any] = {"client_id": str(after.get("client_id", facts.client_id)), "one_shot": one_shot}
    if _is_paused(schedule, one_shot):
        changes["paused_since"] = facts.paused_since if facts.paused_since is not None else at
    else:
        changes["paused_since"] = None
    if closed is not None:
        assert closed.ended_at is not None
        changes.update(
            last_result=closed.result,
            last_started_at=closed.started_at,
            last_ended_at=closed.ended_at,
            open_run_id=None,
            open_started_at=None,
        )
        if closed.result == "success":
            changes.update(last_success_at=closed.ended_at, failing_since=None)
        elif closed.result in FAILED_RESULTS and facts.failing_since is None:
            changes["failing_since"] = closed.ended_at
    if opened is not None:
        changes.update(open_run_id=opened.run_id, open_started_at=opened.started_at, last_run_id=opened.run_id)
    if _armed(before, after, closed):
        changes["armed_at"] = at
    facts = facts._replace(**changes)
    running = opened is not None or still_open is not None
    return facts._replace(expected_at=None if running else expected_start(facts, schedule, zone))


def attach_backup(uow: RunsUnit, project_id: str, job_id: Any, backup_id: str) -> str | None:
    """A backup posted with a job's id belongs to that job's open run, if any; the run's client."""
    if not isinstance(job_id, str) or not job_id:
        return None
    run = uow.runs.open_run(project_id, job_id)
    if run is None:
        return None
    uow.runs.attach_backup(project_id, job_id, backup_id)
    return run.client_id
