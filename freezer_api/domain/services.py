"""All domain services, built over one store."""

from __future__ import annotations

from dataclasses import dataclass

from freezer_api.domain.backups import Backups
from freezer_api.domain.clients import Clients
from freezer_api.storage.store import Store


@dataclass(frozen=True)
class Services:
    backups: Backups
    clients: Clients

    @classmethod
    def over(cls, store: Store) -> "Services":
        return cls(backups=Backups(store), clients=Clients(store))
