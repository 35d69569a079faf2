"""The v1 API: /v1/... in the caller's token project. The whole route catalog of the version is here."""

import falcon

from freezer_api.api.resource import Edge
from freezer_api.api.v1.backups import BackupItem, BackupsCollection
from freezer_api.api.v1.clients import ClientItem, ClientsCollection
from freezer_api.api.v1.jobs import V1JobItem, V1JobsCollection
from freezer_api.api.v1.resource import InTokenProject
from freezer_api.api.v2.actions import ActionItem, ActionsCollection
from freezer_api.api.v2.jobs import JobEvent
from freezer_api.api.v2.sessions import SessionAction, SessionItem, SessionJob, SessionsCollection
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
    # Jobs, actions and sessions: the v2 resources, in the token's project.
    app.add_route("/v1/jobs", InTokenProject(V1JobsCollection(edge, services.jobs)))
    app.add_route("/v1/jobs/{job_id}", InTokenProject(V1JobItem(edge, services.jobs)))
    app.add_route("/v1/jobs/{job_id}/event", InTokenProject(JobEvent(edge, services.jobs)))
    app.add_route("/v1/actions", InTokenProject(ActionsCollection(edge, services.actions)))
    app.add_route("/v1/actions/{action_id}", InTokenProject(ActionItem(edge, services.actions)))
    app.add_route("/v1/sessions", InTokenProject(SessionsCollection(edge, services.sessions)))
    app.add_route("/v1/sessions/{session_id}", InTokenProject(SessionItem(edge, services.sessions)))
    app.add_route("/v1/sessions/{session_id}/action", InTokenProject(SessionAction(edge, services.sessions)))
    app.add_route("/v1/sessions/{session_id}/jobs/{job_id}", InTokenProject(SessionJob(edge, services.sessions)))
