"""Restore planning: backup sets, incremental chains, restore points (docs/restore.md).

A backup set is every backup of one (container, hostname, backup_name). In
a set ordered by time_stamp, a level-0 backup starts a chain and a backup of
level n > 0 builds on the newest level n-1 before it in that chain, as
freezer-agent takes them. Restoring a backup of level n applies the chain's
level 0, then the newest backup of each level 1 .. n-1 before it, then the
backup itself; the chain up to it is broken when one of those is missing.

Everything here is pure: the catalog is read through the CatalogReader port.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from freezer_api.domain.schemas.common import MAX_SAFE_INTEGER

USABLE_STATUS = "available"

# The 2015 v1 names of the fields chains read, beside the stored ones.
_ALIASES = {"hostname": "host_name", "time_stamp": "timestamp", "curr_backup_level": "level"}


@dataclass(frozen=True)
class CatalogEntry:
    """One backup as the planner reads it: its set, its place in time, and why it cannot be used, if so."""

    backup_id: str
    container: str
    hostname: str
    backup_name: str
    time_stamp: int | None  # None when `problem` says why
    level: int | None
    storage: Any = None
    mode: Any = None
    problem: str | None = None

    @property
    def order(self) -> tuple[int, int, str]:
        return (self.time_stamp or 0, self.level or 0, self.backup_id)

    def brief(self) -> dict[str, Any]:
        return {"backup_id": self.backup_id, "time_stamp": self.time_stamp, "level": self.level}


@dataclass(frozen=True)
class SetKey:
    container: str
    hostname: str
    backup_name: str


@dataclass
class Link:
    """A usable backup and what restoring it needs: the chain up to it, or why it is broken."""

    entry: CatalogEntry
    chain: list[CatalogEntry] = field(default_factory=list)
    broken: str | None = None


def _field(metadata: dict[str, Any], name: str) -> Any:
    value = metadata.get(name)
    if value is None and name in _ALIASES:
        value = metadata.get(_ALIASES[name])
    return value


def non_negative_integer(value: Any) -> int | None:
    """The value as chains can order it: a non-negative integer (2.0 counts), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value <= MAX_SAFE_INTEGER:
        return value
    return None


def _problem(metadata: dict[str, Any], status: Any) -> str | None:
    for name in ("time_stamp", "curr_backup_level"):
        value = _field(metadata, name)
        if value is None:
            return f"it has no {name}"
        if non_negative_integer(value) is None:
            shown = repr(value[:80]) if isinstance(value, str) else str(value)[:80]
            return f"its {name} {shown} is not a non-negative integer"
    if status != USABLE_STATUS:
        return f"its status is {str(status)[:40]!r}, not {USABLE_STATUS!r}"
    return None


def set_key(doc: dict[str, Any]) -> SetKey | None:
    """The set a stored backup document belongs to; None when a part of the key is not a string."""
    metadata = doc.get("backup_metadata")
    if not isinstance(metadata, dict):
        return None
    parts = [_field(metadata, name) for name in ("container", "hostname", "backup_name")]
    if not all(isinstance(part, str) and part for part in parts):
        return None
    return SetKey(*parts)


def host_digest(hostname: str, backup_name: str) -> str:
    """The index key of (hostname, backup_name): fixed length, whatever the names' length."""
    return hashlib.sha256(f"{len(hostname)}:{hostname}/{backup_name}".encode()).hexdigest()


def catalog_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """What the catalog keeps beside a backup document so sets and plans are indexed reads.

    time_stamp and level are there only when the backup is usable; otherwise
    `problem` says why it is not.
    """
    key = set_key(doc)
    if key is None:
        return {"container": None, "hostname": None, "backup_name": None, "host_set": None}
    metadata = doc["backup_metadata"]
    problem = _problem(metadata, doc.get("status"))
    usable = problem is None
    return {
        "container": key.container,
        "hostname": key.hostname,
        "backup_name": key.backup_name,
        "host_set": host_digest(key.hostname, key.backup_name),
        "set_time_stamp": non_negative_integer(_field(metadata, "time_stamp")) if usable else None,
        "set_level": non_negative_integer(_field(metadata, "curr_backup_level")) if usable else None,
        "storage": _short(metadata.get("storage")),
        "mode": _short(metadata.get("mode")),
        "problem": problem,
    }


def _short(value: Any) -> str | None:
    return value[:255] if isinstance(value, str) else None


# -- chains -------------------------------------------------------------------


def links(entries: Iterable[CatalogEntry]) -> list[Link]:
    """Every usable backup of one set, oldest first, with the chain restoring it needs."""
    usable = sorted((e for e in entries if e.problem is None and e.time_stamp is not None), key=lambda e: e.order)
    result: list[Link] = []
    newest: dict[int, CatalogEntry] = {}  # level -> newest backup of it in the current chain
    for entry in usable:
        level = entry.level or 0
        if level == 0:
            newest = {0: entry}
            result.append(Link(entry, [entry]))
            continue
        link = Link(entry)
        if 0 not in newest:
            link.broken = f"level {level} with no level-0 backup before it"
        else:
            link.chain, link.broken = _chain_to(newest, entry, level)
        # A later backup builds on this one even when it is broken itself: it stays broken too.
        newest[level] = entry
        for higher in [n for n in newest if n > level]:
            del newest[higher]
        result.append(link)
    return result


def _chain_to(newest: dict[int, CatalogEntry], entry: CatalogEntry, level: int) -> tuple[list, str | None]:
    chain = []
    for needed in range(level):
        base = newest.get(needed)
        if base is None:
            return [], f"level {needed} is missing between the level-0 backup at {newest[0].time_stamp} and it"
        chain.append(base)
    return [*chain, entry], None


@dataclass(frozen=True)
class SetSummary:
    key: SetKey
    backups: int
    first_at: int | None
    last_at: int | None
    last_level0_at: int | None
    chains: int
    complete: bool
    newest: CatalogEntry | None
    unusable: list[dict[str, Any]]

    def document(self) -> dict[str, Any]:
        newest = self.newest
        return {
            "container": self.key.container,
            "hostname": self.key.hostname,
            "backup_name": self.key.backup_name,
            "backups": self.backups,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "last_level0_at": self.last_level0_at,
            "chains": self.chains,
            "complete": self.complete,
            "backup_id": newest.backup_id if newest else None,
            "storage": newest.storage if newest else None,
            "mode": newest.mode if newest else None,
            "unusable": self.unusable,
        }


def unusable(entries: Iterable[CatalogEntry]) -> list[dict[str, Any]]:
    return [{"backup_id": e.backup_id, "reason": e.problem} for e in entries if e.problem is not None]


def summarize(key: SetKey, entries: Sequence[CatalogEntry]) -> SetSummary:
    """The summary of one backup set."""
    chained = links(entries)
    level0 = [link.entry.time_stamp or 0 for link in chained if link.entry.level == 0]
    stamps = [link.entry.time_stamp or 0 for link in chained]
    return SetSummary(
        key=key,
        backups=len(entries),
        first_at=min(stamps, default=None),
        last_at=max(stamps, default=None),
        last_level0_at=max(level0, default=None),
        chains=len(level0),
        complete=all(link.broken is None for link in chained),
        newest=chained[-1].entry if chained else None,
        unusable=unusable(entries),
    )


# -- restore plans --------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    key: SetKey
    point: Link
    skipped: list[dict[str, Any]]
    unusable: list[dict[str, Any]]


def plan(key: SetKey, entries: Sequence[CatalogEntry], at: int) -> Plan | None:
    """The newest backup at or before `at` whose chain is complete, with the newer ones passed over; None if none."""
    candidates = [link for link in links(entries) if (link.entry.time_stamp or 0) <= at]
    skipped: list[dict[str, Any]] = []
    for link in reversed(candidates):
        if link.broken is None:
            return Plan(key, link, skipped, unusable(entries))
        skipped.append({**link.entry.brief(), "reason": f"its chain is broken: {link.broken}"})
    return None


def restorable(entries: Sequence[CatalogEntry], backup_id: str) -> Link | None:
    """The link of one backup of a set (None when it is not a usable backup of it)."""
    for link in links(entries):
        if link.entry.backup_id == backup_id:
            return link
    return None
