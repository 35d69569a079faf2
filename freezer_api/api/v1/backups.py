"""/v1/backups"""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.resource import Edge
from freezer_api.api.v1.resource import V1Resource
from freezer_api.domain.backups_v1 import BackupsV1


class BackupsCollection(V1Resource):
    def __init__(self, edge: Edge, backups: BackupsV1):
        super().__init__(edge)
        self.backups = backups

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = self.authorize_own_project(req, "backups:get_all")
        limit, offset = self.paging(req)
        marker = self.marker(req)
        page = self.backups.list(ctx.project_id, self.search_body(req), limit=limit, offset=offset, marker=marker)
        send_json(resp, {"backups": page})

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = self.authorize_own_project(req, "backups:create")
        backup_id = self.backups.create(ctx, ctx.project_id, self.body(req))
        send_json(resp, {"backup_id": backup_id}, falcon.HTTP_201)


class BackupItem(V1Resource):
    def __init__(self, edge: Edge, backups: BackupsV1):
        super().__init__(edge)
        self.backups = backups

    def on_get(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        ctx = self.authorize_own_project(req, "backups:get")
        send_json(resp, self.backups.get(ctx.project_id, backup_id))

    def on_patch(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        ctx = self.authorize_own_project(req, "backups:update")
        send_json(resp, self.backups.patch(ctx.project_id, backup_id, self.body(req)))

    def on_put(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        ctx = self.authorize_own_project(req, "backups:update")
        send_json(resp, self.backups.replace(ctx.project_id, backup_id, self.body(req)))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, backup_id: str) -> None:
        ctx = self.authorize_own_project(req, "backups:delete")
        self.backups.delete(ctx.project_id, backup_id)
        resp.status = falcon.HTTP_204
