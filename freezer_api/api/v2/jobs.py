"""/v2/{project_id}/jobs"""

from typing import Any

import falcon

from freezer_api.api.requests import boolean_param, send_document, send_json, send_list
from freezer_api.api.v2.documents import Creation, Deleting, DocumentResource, Patching, Replacing
from freezer_api.context import RequestContext


class JobsCollection(Creation):
    kind, id_name = "jobs", "job_id"
    accepts_chosen_id = True  # the body's job_id names the new job
    cross_project_reads = True  # admin/service may list every project

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        if not self.accepts_chosen_id and isinstance(body, dict):
            body = {key: value for key, value in body.items() if key != "job_id"}
        return self.service.create(ctx, project_id, body)

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        """List a project's jobs, or every project's with all_projects=true (admin, service)."""
        ctx = self.authorize(req, self.rule("get_all"), project_id)
        all_projects = boolean_param(req, "all_projects") and self.cross_project_reads
        if all_projects:
            self.authorize(req, self.rule("get_all_projects"), project_id)
        limit, offset = self.paging(req)
        jobs = self.service.list(
            project_id,
            self.search_body(req),
            limit=limit,
            offset=offset,
            marker=self.marker(req),
            all_projects=all_projects,
        )
        if not all_projects:
            jobs = self.service.hide_foreign_pids(ctx.project_id, jobs)
        send_list(resp, "jobs", jobs)


class JobItem(Replacing, Patching, Deleting):
    kind, id_name = "jobs", "job_id"
    replace_rule = "create"  # upstream has no jobs:replace rule
    cross_project_reads = True  # admin/service may read any project's job

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        ctx = self.authorize(req, self.rule("get"), project_id)
        any_project = self.cross_project_reads and self.allows(req, self.rule("get_all_projects"), project_id)
        stored = self.service.get(project_id, job_id, any_project=any_project)
        (raw,) = self.service.hide_foreign_pids(ctx.project_id, [stored.raw])
        send_document(resp, raw, stored.version)

    def delete(self, ctx: RequestContext, project_id: str, job_id: str) -> None:
        self.service.delete(project_id, job_id, ctx=ctx)


class JobEvent(DocumentResource):
    kind = "jobs"

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        self.authorize(req, self.rule("event:create"), project_id)
        send_json(resp, {"result": self.service.event(project_id, job_id, self.body(req))}, falcon.HTTP_202)
