"""All domain services, built over one store."""

from __future__ import annotations

from dataclasses import dataclass

from freezer_api.domain.actions import Actions
from freezer_api.domain.backup_sets import BackupSets
from freezer_api.domain.backups import Backups
from freezer_api.domain.clients import Clients
from freezer_api.domain.jobs import Jobs
from freezer_api.domain.ports import Store
from freezer_api.domain.sessions import Sessions
from freezer_api.domain.trusts import TrustBroker


@dataclass(frozen=True)
class Services:
    backups: Backups
    clients: Clients
    jobs: Jobs
    actions: Actions
    sessions: Sessions
    backup_sets: BackupSets

    @classmethod
    def over(cls, store: Store, *, trusts: TrustBroker | None = None) -> Services:
        jobs = Jobs(store, trusts)
        return cls(
            backups=Backups(store),
            clients=Clients(store),
            jobs=jobs,
            actions=Actions(store),
            sessions=Sessions(store),
            backup_sets=BackupSets(store, jobs),
        )
