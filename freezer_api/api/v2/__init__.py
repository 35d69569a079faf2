"""The v2 API: /v2/{project_id}/... The whole route catalog of the version is here."""

import falcon

from freezer_api.api.resource import Edge
from freezer_api.api.v2.backups import BackupItem, BackupsCollection
from freezer_api.api.v2.clients import ClientItem, ClientsCollection
from freezer_api.api.versions import V2_HOME, HomeDocumentResource
from freezer_api.domain.services import Services


def add_routes(app: falcon.App, edge: Edge, services: Services) -> None:
    app.add_route("/v2", HomeDocumentResource(V2_HOME))
    app.add_route("/v2/{project_id}/backups", BackupsCollection(edge, services.backups))
    app.add_route("/v2/{project_id}/backups/{backup_id}", BackupItem(edge, services.backups))
    app.add_route("/v2/{project_id}/clients", ClientsCollection(edge, services.clients))
    app.add_route("/v2/{project_id}/clients/{client_id}", ClientItem(edge, services.clients))
