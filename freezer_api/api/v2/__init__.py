"""The v2 API: /v2/{project_id}/... The whole route catalog of the version is here."""

import falcon

from freezer_api.api.resource import Edge
from freezer_api.api.v2.actions import ActionItem, ActionsCollection
from freezer_api.api.v2.backup_sets import BackupRestore, BackupSetsCollection, RestorePlan
from freezer_api.api.v2.backups import BackupItem, BackupsCollection
from freezer_api.api.v2.clients import ClientItem, ClientsCollection
from freezer_api.api.v2.health import ClientHealthItem, JobHealthItem, JobRuns, ProjectHealth, RunItem, RunsCollection
from freezer_api.api.v2.jobs import JobEvent, JobItem, JobsCollection
from freezer_api.api.v2.sessions import SessionAction, SessionItem, SessionJob, SessionsCollection
from freezer_api.api.v2.webhooks import WebhookDeliveries, WebhookItem, WebhooksCollection
from freezer_api.api.versions import V2_HOME, HomeDocumentResource
from freezer_api.domain.services import Services

PREFIX = "/v2/{project_id}"


def add_routes(app: falcon.App, edge: Edge, services: Services) -> None:
    s = services
    app.add_route("/v2", HomeDocumentResource(V2_HOME))
    app.add_route(f"{PREFIX}/backups", BackupsCollection(edge, s.backups))
    app.add_route(f"{PREFIX}/backups/{{backup_id}}", BackupItem(edge, s.backups))
    app.add_route(f"{PREFIX}/backups/{{backup_id}}/restore", BackupRestore(edge, s.backup_sets))
    app.add_route(f"{PREFIX}/backup-sets", BackupSetsCollection(edge, s.backup_sets))
    app.add_route(f"{PREFIX}/restore-plan", RestorePlan(edge, s.backup_sets))
    app.add_route(f"{PREFIX}/clients", ClientsCollection(edge, s.clients))
    app.add_route(f"{PREFIX}/clients/{{client_id}}", ClientItem(edge, s.clients))
    app.add_route(f"{PREFIX}/jobs", JobsCollection(edge, s.jobs))
    app.add_route(f"{PREFIX}/jobs/{{job_id}}", JobItem(edge, s.jobs))
    app.add_route(f"{PREFIX}/jobs/{{job_id}}/event", JobEvent(edge, s.jobs))
    app.add_route(f"{PREFIX}/actions", ActionsCollection(edge, s.actions))
    app.add_route(f"{PREFIX}/actions/{{action_id}}", ActionItem(edge, s.actions))
    app.add_route(f"{PREFIX}/sessions", SessionsCollection(edge, s.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}", SessionItem(edge, s.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}/action", SessionAction(edge, s.sessions))
    app.add_route(f"{PREFIX}/sessions/{{session_id}}/jobs/{{job_id}}", SessionJob(edge, s.sessions))
    app.add_route(f"{PREFIX}/webhooks", WebhooksCollection(edge, s.webhooks))
    app.add_route(f"{PREFIX}/webhooks/{{webhook_id}}", WebhookItem(edge, s.webhooks))
    app.add_route(f"{PREFIX}/webhooks/{{webhook_id}}/deliveries", WebhookDeliveries(edge, s.webhooks))
    # protection state (docs/health.md): read-only, derived from what the agents write
    app.add_route(f"{PREFIX}/jobs/{{job_id}}/runs", JobRuns(edge, s.runs))
    app.add_route(f"{PREFIX}/runs", RunsCollection(edge, s.runs))
    app.add_route(f"{PREFIX}/runs/{{run_id}}", RunItem(edge, s.runs))
    app.add_route(f"{PREFIX}/jobs/{{job_id}}/health", JobHealthItem(edge, s.health))
    app.add_route(f"{PREFIX}/clients/{{client_id}}/health", ClientHealthItem(edge, s.health))
    app.add_route(f"{PREFIX}/health", ProjectHealth(edge, s.health))
