"""/v2/{project_id}/sessions"""

import falcon

from freezer_api.api.requests import send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.sessions import Sessions


class _SessionsResource(Resource):
    def __init__(self, edge: Edge, sessions: Sessions):
        super().__init__(edge)
        self.sessions = sessions


class SessionsCollection(_SessionsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "sessions:get_all", project_id)
        limit, offset = self.paging(req)
        send_list(resp, "sessions", self.sessions.list(project_id, self.body(req), limit=limit, offset=offset))

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "sessions:create", project_id)
        session_id = self.sessions.create(caller, project_id, self.body(req))
        send_json(resp, {"session_id": session_id}, falcon.HTTP_201)


class SessionItem(_SessionsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        self.authorize(req, "sessions:get", project_id)
        stored = self.sessions.get(project_id, session_id)
        send_document(resp, stored.raw, stored.version)

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        caller = self.authorize(req, "sessions:replace", project_id)
        version = self.sessions.replace(caller, project_id, session_id, self.body(req))
        send_json(resp, {"session_id": session_id, "version": version}, falcon.HTTP_201)

    on_put = on_post  # an alias clients may expect for create-or-replace (D22)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        self.authorize(req, "sessions:update", project_id)
        version = self.sessions.patch(project_id, session_id, self.body(req))
        send_json(resp, {"session_id": session_id, "version": version})

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        self.authorize(req, "sessions:delete", project_id)
        self.sessions.delete(project_id, session_id)
        resp.status = falcon.HTTP_204


class SessionAction(_SessionsResource):
    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        self.authorize(req, "sessions:action:create", project_id)
        outcome = self.sessions.action(project_id, session_id, self.body(req))
        send_json(resp, {"result": outcome.result, "session_tag": outcome.session_tag}, falcon.HTTP_202)


class SessionJob(_SessionsResource):
    def on_put(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str, job_id: str) -> None:
        self.authorize(req, "sessions:job:add", project_id)
        self.sessions.add_job(project_id, session_id, job_id)
        resp.status = falcon.HTTP_204

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str, job_id: str) -> None:
        self.authorize(req, "sessions:job:remove", project_id)
        self.sessions.remove_job(project_id, session_id, job_id)
        resp.status = falcon.HTTP_204
