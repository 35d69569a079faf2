"""What the pages say in words: relative times, schedules, and the search box's language."""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime
from typing import Any

import orjson

_UNITS = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))


def epoch(value: Any) -> float | None:
    """Epoch seconds from what documents hold: a number, a string of digits, or an ISO date.

    Zero and negative numbers are how the scheduler says "never" (-1).
    """
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return epoch(float(text))
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return None


def relative(seconds: float, now: float | None = None) -> str:
    """`3 h ago`, `in 5 min`."""
    delta = (now or time.time()) - seconds
    size = abs(delta)
    for unit, length in _UNITS:
        if size >= length or unit == "s":
            amount = int(size // length)
            return f"{amount} {unit} ago" if delta >= 0 else f"in {amount} {unit}"
    return ""


def absolute(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


_CRON_FIELDS = ("schedule_month", "schedule_day", "schedule_day_of_week", "schedule_hour", "schedule_minute")


def schedule_in_words(schedule: dict | None) -> str:
    """`every 2 hours from 03:00`, `once at 2026-12-04 10:00`, `cron: hour 3, minute 0`."""
    schedule = schedule or {}
    interval = schedule.get("schedule_interval")
    start = epoch(schedule.get("schedule_start_date"))
    if interval == "continuous":
        return "continuously"
    if interval:
        text = f"every {interval}"
        if text.endswith("s") and str(interval).split()[0] == "1":
            text = text[:-1].replace("every 1 ", "every ")
        if start is not None:
            text += " from " + datetime.fromtimestamp(start, UTC).strftime("%H:%M")
        return text
    if schedule.get("schedule_date"):
        when = epoch(schedule["schedule_date"])
        return "once at " + (absolute(when) if when is not None else str(schedule["schedule_date"]))
    cron = [
        f"{name.removeprefix('schedule_').replace('_', ' ')} {schedule[name]}"
        for name in _CRON_FIELDS
        if schedule.get(name) not in (None, "")
    ]
    if cron:
        return "cron: " + ", ".join(cron)
    return "once, when its client next polls"


class SearchSyntaxError(ValueError):
    pass


def parse_search_box(text: str) -> dict | None:
    """The search box's words as the API's search object.

    `field:value` must match, `-field:value` must not, other words are free
    text (`_all`); numbers and true/false/null are JSON. A box starting with
    `{` is taken as the search object itself.
    """
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise SearchSyntaxError(f"The search is not valid JSON: {error}") from None
        if not isinstance(document, dict):
            raise SearchSyntaxError("A JSON search is an object.")
        return document
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise SearchSyntaxError(f"The search has an unclosed quote: {error}") from None
    match: list[dict] = []
    match_not: list[dict] = []
    for word in words:
        negated = word.startswith("-") and ":" in word
        name, colon, value = word.removeprefix("-" if negated else "").partition(":")
        if not colon or not name:
            match.append({"_all": word})
            continue
        (match_not if negated else match).append({name: _value(value)})
    search: dict[str, Any] = {}
    if match:
        search["match"] = match
    if match_not:
        search["match_not"] = match_not
    return search


def _value(text: str) -> Any:
    if text in ("true", "false", "null"):
        return orjson.loads(text)
    try:
        return int(text)
    except ValueError:
        return text
