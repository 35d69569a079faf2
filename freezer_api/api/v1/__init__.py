"""The v1 API: /v1/... in the caller's token project. The whole route catalog of the version is here."""

import falcon

from freezer_api.api.resource import Edge
from freezer_api.api.v1.backups import BackupItem, BackupsCollection
from freezer_api.api.v1.clients import ClientItem, ClientsCollection
from freezer_api.api.versions import V1_HOME, HomeDocumentResource
from freezer_api.domain.backups_v1 import BackupsV1
from freezer_api.domain.clients_v1 import ClientsV1
from freezer_api.domain.services import Services


def add_routes(app: falcon.App, edge: Edge, services: Services) -> None:
    backups, clients = BackupsV1(services.backups), ClientsV1(services.clients)
    app.add_route("/v1", HomeDocumentResource(V1_HOME))
    app.add_route("/v1/backups", BackupsCollection(edge, backups))
    app.add_route("/v1/backups/{backup_id}", BackupItem(edge, backups))
    app.add_route("/v1/clients", ClientsCollection(edge, clients))
    app.add_route("/v1/clients/{client_id}", ClientItem(edge, clients))
