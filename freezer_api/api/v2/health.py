"""/v2/{project_id}/runs, .../jobs/{job_id}/runs, and the health of clients, jobs and the project (docs/health.md)."""

import falcon

from freezer_api.api.requests import boolean_param, count_limit, send_json
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.protection import Health, Runs

DEFAULT_ATTENTION = 50


class _RunsResource(Resource):
    def __init__(self, edge: Edge, runs: Runs):
        super().__init__(edge)
        self.runs = runs


class RunsCollection(_RunsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        """The project's runs, newest first, filtered by a search body."""
        self.authorize(req, "runs:get_all", project_id)
        limit, offset = self.paging(req)
        runs = self.runs.search(project_id, self.search_body(req), limit=limit, offset=offset)
        send_json(resp, {"runs": [run.document() for run in runs]})


class RunItem(_RunsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, run_id: str) -> None:
        self.authorize(req, "runs:get", project_id)
        send_json(resp, self.runs.get(project_id, run_id).document())


class JobRuns(_RunsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        """The job's runs, newest first."""
        self.authorize(req, "runs:get_all", project_id)
        limit, offset = self.paging(req)
        runs = self.runs.of_job(project_id, job_id, limit=limit, offset=offset)
        send_json(resp, {"runs": [run.document() for run in runs]})


class _HealthResource(Resource):
    def __init__(self, edge: Edge, health: Health):
        super().__init__(edge)
        self.health = health


class JobHealthItem(_HealthResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        self.authorize(req, "jobs:health", project_id)
        send_json(resp, self.health.job(project_id, job_id))


class ClientHealthItem(_HealthResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, client_id: str) -> None:
        self.authorize(req, "clients:health", project_id)
        send_json(resp, self.health.client(project_id, client_id))


class ProjectHealth(_HealthResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        """Clients and jobs by state, and the worst of what needs attention; all_projects for admin/service."""
        self.authorize(req, "health:get", project_id)
        all_projects = boolean_param(req, "all_projects")
        if all_projects:
            self.authorize(req, "health:get_all_projects", project_id)
        limit = count_limit(req, self.edge.limits, DEFAULT_ATTENTION)
        summary = self.health.summary(None if all_projects else project_id, limit=limit)
        send_json(resp, summary.document())
