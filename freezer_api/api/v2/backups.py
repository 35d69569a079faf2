"""/v2/{project_id}/backups"""

import falcon

from freezer_api.api.requests import send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.backups import Backups


class BackupsCollection(Resource):
    def __init__(self, edge: Edge, backups: Backups):
        super().__init__(edge)
        self.backups = backups

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "backups:get_all", project_id)
        limit, offset = self.paging(req)
        send_list(resp, "backups", self.backups.list(project_id, self.body(req), limit=limit, offset=offset))

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "backups:create", project_id)
        backup_id = self.backups.create(caller, project_id, self.body(req))
        send_json(resp, {"backup_id": backup_id}, falcon.HTTP_201)


class BackupItem(Resource):
    def __init__(self, edge: Edge, backups: Backups):
        super().__init__(edge)
        self.backups = backups

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, backup_id: str) -> None:
        self.authorize(req, "backups:get", project_id)
        stored = self.backups.get(project_id, backup_id)
        send_document(resp, stored.raw, stored.version)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, backup_id: str) -> None:
        self.authorize(req, "backups:update", project_id)
        send_json(resp, self.backups.patch(project_id, backup_id, self.body(req)))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, backup_id: str) -> None:
        self.authorize(req, "backups:delete", project_id)
        self.backups.delete(project_id, backup_id)
        resp.status = falcon.HTTP_204
