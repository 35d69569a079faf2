"""/v2/{project_id}/jobs"""

import falcon

from freezer_api.api.requests import boolean_param, send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.jobs import Jobs


class _JobsResource(Resource):
    def __init__(self, edge: Edge, jobs: Jobs):
        super().__init__(edge)
        self.jobs = jobs


class JobsCollection(_JobsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "jobs:get_all", project_id)
        all_projects = boolean_param(req, "all_projects")
        if all_projects:
            self.authorize(req, "jobs:get_all_projects", project_id)
        limit, offset = self.paging(req)
        jobs = self.jobs.list(project_id, self.body(req), limit=limit, offset=offset, all_projects=all_projects)
        if not all_projects:
            jobs = self.jobs.hide_foreign_pids(caller.project_id, jobs)
        send_list(resp, "jobs", jobs)

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "jobs:create", project_id)
        job_id = self.jobs.create(caller, project_id, self.body(req))
        send_json(resp, {"job_id": job_id}, falcon.HTTP_201)


class JobItem(_JobsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        caller = self.authorize(req, "jobs:get", project_id)
        any_project = self.allows(req, "jobs:get_all_projects", project_id)
        stored = self.jobs.get(project_id, job_id, any_project=any_project)
        (raw,) = self.jobs.hide_foreign_pids(caller.project_id, [stored.raw])
        send_document(resp, raw, stored.version)

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        caller = self.authorize(req, "jobs:create", project_id)
        version = self.jobs.replace(caller, project_id, job_id, self.body(req))
        send_json(resp, {"job_id": job_id, "version": version}, falcon.HTTP_201)

    on_put = on_post  # an alias clients may expect for create-or-replace (D22)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        caller = self.authorize(req, "jobs:update", project_id)
        version = self.jobs.patch(caller, project_id, job_id, self.body(req))
        send_json(resp, {"job_id": job_id, "version": version})

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        caller = self.authorize(req, "jobs:delete", project_id)
        self.jobs.delete(caller, project_id, job_id)
        resp.status = falcon.HTTP_204


class JobEvent(_JobsResource):
    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, job_id: str) -> None:
        self.authorize(req, "jobs:event:create", project_id)
        result = self.jobs.event(project_id, job_id, self.body(req))
        send_json(resp, {"result": result}, falcon.HTTP_202)
