"""All domain services, built over one store."""

from __future__ import annotations

from dataclasses import dataclass

from freezer_api.domain.actions import Actions
from freezer_api.domain.backup_sets import BackupSets
from freezer_api.domain.backups import Backups
from freezer_api.domain.clients import Clients
from freezer_api.domain.health import HealthPolicy
from freezer_api.domain.jobs import Jobs
from freezer_api.domain.liveness import LivenessRecorder
from freezer_api.domain.ports import Store
from freezer_api.domain.protection import Health, Runs
from freezer_api.domain.sessions import Sessions
from freezer_api.domain.trusts import TrustBroker
from freezer_api.domain.webhooks import Webhooks, WebhookTargets


@dataclass(frozen=True)
class Services:
    backups: Backups
    clients: Clients
    jobs: Jobs
    actions: Actions
    sessions: Sessions
    backup_sets: BackupSets
    webhooks: Webhooks
    runs: Runs
    health: Health

    @classmethod
    def over(
        cls,
        store: Store,
        *,
        targets: WebhookTargets | None = None,
        trusts: TrustBroker | None = None,
        health: HealthPolicy | None = None,
        liveness: LivenessRecorder | None = None,
    ) -> Services:
        policy = health or HealthPolicy()
        backups = Backups(store)
        backups.liveness = liveness
        sessions = Sessions(store)
        sessions.zone = policy.zone
        jobs = Jobs(store, trusts, health=policy, liveness=liveness)
        return cls(
            backups=backups,
            clients=Clients(store, liveness),
            jobs=jobs,
            actions=Actions(store),
            sessions=sessions,
            backup_sets=BackupSets(store, jobs),
            webhooks=Webhooks(store, targets),
            runs=Runs(store),
            health=Health(store, policy),
        )
