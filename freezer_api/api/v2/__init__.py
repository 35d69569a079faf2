"""The v2 API: /v2/{project_id}/... The whole route catalog of the version is here."""

import falcon

from freezer_api.api.resource import Edge
from freezer_api.api.v2.actions import ActionItem, ActionsCollection
from freezer_api.api.v2.backups import BackupItem, BackupsCollection
from freezer_api.api.v2.clients import ClientItem, ClientsCollection
from freezer_api.api.v2.jobs import JobEvent, JobItem, JobsCollection
from freezer_api.api.v2.sessions import SessionAction, SessionItem, SessionJob, SessionsCollection
from freezer_api.api.versions import V2_HOME, HomeDocumentResource
from freezer_api.domain.services import Services

PREFIX = "/v2/{project_id}"


def add_routes(app: falcon.App, edge: Edge, services: Services) -> None:
    app.add_route("/v2", HomeDocumentResource(V2_HOME))
    app.add_route(f"{PREFIX}/backups", BackupsCollection(edge, services.backups))
    app.add_route(f"{PREFIX}/backups/{{backup_id}}", BackupItem(edge, services.backups))
    app.add_route(f"{PREFIX}/clients", ClientsCollection(edge, services.clients))
    app.add_route(f"{PREFIX}/clients/{{client_id}}", ClientItem(edge, services.clients))
    app.add_route(f"{PREFIX}/jobs", JobsCollection(edge, services.jobs))
    app.add_route(f"{PREFIX}/jobs/{{job_id}}", JobItem(edge, services.jobs))
    app.add_route(f"{PREFIX}/jobs/{{job_id}}/event", JobEvent(edge, services.jobs))
    app.add_route(f"{PREFIX}/actions", ActionsCollection(edge, services.actions))
    app.add_route(f"{PREFIX}/actions/{{action_id}}", ActionItem(edge, services.actions))
    app.add_route(f"{PREFIX}/sessions", SessionsCollection(edge, services.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}", SessionItem(edge, services.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}/action", SessionAction(edge, services.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}/jobs/{{job_id}}", SessionJob(edge, services.sessions))
