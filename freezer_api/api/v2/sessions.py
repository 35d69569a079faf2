"""/v2/{project_id}/sessions"""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.v2.documents import Creation, Deleting, DocumentResource, Listing, Patching, Replacing, Showing


class SessionsCollection(Listing, Creation):
    kind, id_name = "sessions", "session_id"


class SessionItem(Showing, Replacing, Patching, Deleting):
    kind, id_name = "sessions", "session_id"


class SessionAction(DocumentResource):
    kind = "sessions"

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str) -> None:
        ctx = self.authorize(req, self.rule("action:create"), project_id)
        outcome = self.service.action(project_id, session_id, self.body(req), ctx=ctx)
        send_json(resp, {"result": outcome.result, "session_tag": outcome.session_tag}, falcon.HTTP_202)


class SessionJob(DocumentResource):
    kind = "sessions"

    def on_put(self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str, job_id: str) -> None:
        self.authorize(req, self.rule("job:add"), project_id)
        self.service.add_job(project_id, session_id, job_id)
        resp.status = falcon.HTTP_204

    def on_delete(
        self, req: falcon.Request, resp: falcon.Response, project_id: str, session_id: str, job_id: str
    ) -> None:
        self.authorize(req, self.rule("job:remove"), project_id)
        self.service.remove_job(project_id, session_id, job_id)
        resp.status = falcon.HTTP_204
