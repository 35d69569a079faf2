"""/v2/{project_id}/backup-sets, /restore-plan and /backups/{backup_id}/restore (docs/restore.md)."""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.backup_sets import BackupSets


class _Catalog(Resource):
    def __init__(self, edge: Edge, service: BackupSets):
        super().__init__(edge)
        self.service = service


class BackupSetsCollection(_Catalog):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "backup_sets:get_all", project_id)
        limit, offset = self.paging(req)
        sets = self.service.list(project_id, self.search_body(req), limit=limit, offset=offset)
        send_json(resp, {"backup_sets": sets})


class RestorePlan(_Catalog):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "backups:restore_plan", project_id)
        params = req.params
        send_json(
            resp,
            self.service.restore_plan(
                project_id,
                hostname=params.get("hostname"),
                backup_name=params.get("backup_name"),
                container=params.get("container"),
                at=params.get("at"),
            ),
        )


class BackupRestore(_Catalog):
    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, backup_id: str) -> None:
        ctx = self.authorize(req, "backups:restore", project_id)
        job_id = self.service.restore(ctx, project_id, backup_id, self.body(req))
        send_json(resp, {"job_id": job_id}, falcon.HTTP_201)
