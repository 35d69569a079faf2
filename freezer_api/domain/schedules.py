"""When a job's scheduler will start it next, as freezer-scheduler 19.0.0 decides (docs/health.md#expected-starts).

freezer-scheduler turns a job's `job_schedule` into APScheduler trigger
arguments (`Job.get_schedule_args`) and arms the trigger when it takes the
job up; the same triggers, with the same arguments, answer here when the
next start is due. Only the instant the scheduler armed the job and the end
of its last run are the server's: both are what the server saw happen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

UTC = datetime.UTC
CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")
# freezer-scheduler starts a job without a schedule, or an interval job whose
# start date has passed, this long after taking it up.
START_DELAY = 2

# job_schedule keys that make the trigger; any change of them re-arms the job.
TRIGGER_KEYS = frozenset(
    (
        "schedule_date",
        "schedule_interval",
        "schedule_start_date",
        "schedule_end_date",
        *(f"schedule_{f}" for f in CRON_FIELDS),
    )
)


@dataclass(frozen=True)
class Schedule:
    """What kind of trigger a job_schedule makes: date (one shot), interval, cron or none (one shot)."""

    kind: str
    fields: dict[str, Any]

    @property
    def one_shot(self) -> bool:
        return self.kind in ("date", "none")


def schedule_of(job_schedule: dict[str, Any]) -> Schedule:
    """The trigger kind, in the scheduler's order: schedule_date, then schedule_interval, then cron fields."""
    if job_schedule.get("schedule_date"):
        return Schedule("date", {"run_date": job_schedule["schedule_date"]})
    if job_schedule.get("schedule_interval"):
        return Schedule("interval", _interval_fields(job_schedule["schedule_interval"]))
    cron = {name: job_schedule[f"schedule_{name}"] for name in CRON_FIELDS if f"schedule_{name}" in job_schedule}
    if cron:
        return Schedule("cron", cron)
    return Schedule("none", {})


def trigger_definition(job_schedule: dict[str, Any]) -> dict[str, Any]:
    """The part of a job_schedule a change of which re-arms the job."""
    return {key: value for key, value in job_schedule.items() if key in TRIGGER_KEYS}


def next_expected_start(
    job_schedule: dict[str, Any], *, armed_at: int, ended_at: int | None, zone: datetime.tzinfo
) -> int | None:
    """When the job's next run should start (epoch seconds), or None if it never will again.

    `armed_at`: when its scheduler armed the trigger; `ended_at`: when its
    last run since then ended (None: no run since). `zone` is the agent's
    local time zone, in which APScheduler reads cron fields and dates
    without an offset.
    """
    schedule = schedule_of(job_schedule)
    if schedule.one_shot:
        if ended_at is not None:
            return None
        if schedule.kind == "none":
            return armed_at + START_DELAY
    try:
        trigger = _trigger(schedule, job_schedule, armed_at, zone)
        after = _datetime(ended_at if ended_at is not None else armed_at, zone)
        fire = trigger.get_next_fire_time(None, after)
    except (ValueError, TypeError, OverflowError, KeyError):
        return None  # the scheduler cannot arm it either ("Unable to schedule job")
    return None if fire is None else int(fire.timestamp())


def zone_named(name: str) -> datetime.tzinfo:
    """The zone of an IANA name; "" is the server's own local zone (what APScheduler defaults to)."""
    if not name:
        from tzlocal import get_localzone

        return get_localzone()
    return ZoneInfo(name)


def _interval_fields(interval: str) -> dict[str, Any]:
    if interval == "continuous":
        return {"seconds": 1}
    value, unit = interval.split()
    return {unit: int(value)}


def _trigger(schedule: Schedule, job_schedule: dict[str, Any], armed_at: int, zone: datetime.tzinfo) -> BaseTrigger:
    # Imported on first use: the app starts (and answers its first request) without loading APScheduler.
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if schedule.kind == "date":
        return DateTrigger(run_date=schedule.fields["run_date"], timezone=zone)
    bounds = _bounds(job_schedule, armed_at)
    if schedule.kind == "interval":
        if "start_date" not in bounds:
            # APScheduler's default: the first start one interval after arming.
            probe = IntervalTrigger(**schedule.fields, timezone=zone)
            bounds["start_date"] = _datetime(armed_at, zone) + probe.interval
        return IntervalTrigger(**schedule.fields, **bounds, timezone=zone)
    return CronTrigger(**schedule.fields, **bounds, timezone=zone)


def _bounds(job_schedule: dict[str, Any], armed_at: int) -> dict[str, Any]:
    """start_date / end_date as freezer-scheduler passes them (ISO dates without an offset are UTC there)."""
    start = job_schedule.get("schedule_start_date")
    if not start:
        return {}
    soon = _datetime(armed_at + START_DELAY, UTC)
    start_date = _isotime(start)
    bounds: dict[str, Any] = {"start_date": start_date if start_date.timestamp() > armed_at else soon}
    end = job_schedule.get("schedule_end_date")
    if end:
        end_date = _isotime(end)
        bounds["end_date"] = end_date if start_date <= end_date else None
    return bounds


def _isotime(text: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _datetime(epoch: int, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, tz=zone)


def expected_interval(job_schedule: dict[str, Any], at: int, zone: datetime.tzinfo) -> int | None:
    """Seconds between two starts of a recurring job (cron: the two next after `at`); None for a one-shot job.

    What /metrics reports as freezer_job_expected_interval_seconds, the
    yardstick of the overdue alerts.
    """
    schedule = schedule_of(job_schedule)
    if schedule.one_shot:
        return None
    try:
        if schedule.kind == "interval":
            from apscheduler.triggers.interval import IntervalTrigger

            return int(IntervalTrigger(**schedule.fields, timezone=zone).interval.total_seconds())
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger(**schedule.fields, timezone=zone)
        first = trigger.get_next_fire_time(None, _datetime(at, zone))
        second = None if first is None else trigger.get_next_fire_time(first, first + datetime.timedelta(seconds=1))
    except (ValueError, TypeError, OverflowError, KeyError):
        return None
    return None if first is None or second is None else int((second - first).total_seconds())
