"""/v2/{project_id}/actions"""

import falcon

from freezer_api.api.requests import send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.actions import Actions


class _ActionsResource(Resource):
    def __init__(self, edge: Edge, actions: Actions):
        super().__init__(edge)
        self.actions = actions


class ActionsCollection(_ActionsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "actions:get_all", project_id)
        limit, offset = self.paging(req)
        send_list(resp, "actions", self.actions.list(project_id, self.body(req), limit=limit, offset=offset))

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "actions:create", project_id)
        action_id = self.actions.create(caller, project_id, self.body(req))
        send_json(resp, {"action_id": action_id}, falcon.HTTP_201)


class ActionItem(_ActionsResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, action_id: str) -> None:
        self.authorize(req, "actions:get", project_id)
        stored = self.actions.get(project_id, action_id)
        send_document(resp, stored.raw, stored.version)

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, action_id: str) -> None:
        caller = self.authorize(req, "actions:replace", project_id)
        version = self.actions.replace(caller, project_id, action_id, self.body(req))
        send_json(resp, {"action_id": action_id, "version": version}, falcon.HTTP_201)

    on_put = on_post  # an alias clients may expect for create-or-replace (D22)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, action_id: str) -> None:
        self.authorize(req, "actions:update", project_id)
        version = self.actions.patch(project_id, action_id, self.body(req))
        send_json(resp, {"action_id": action_id, "version": version})

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, action_id: str) -> None:
        self.authorize(req, "actions:delete", project_id)
        self.actions.delete(project_id, action_id)
        resp.status = falcon.HTTP_204
