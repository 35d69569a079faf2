"""/v2/{project_id}/backups"""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.v2.documents import Creation, Deleting, Listing, Showing


class BackupsCollection(Listing, Creation):
    kind, id_name = "backups", "backup_id"


class BackupItem(Showing, Deleting):
    kind, id_name = "backups", "backup_id"

    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, backup_id: str) -> None:
        """Unlike other documents, a backup PATCH answers with the whole updated document."""
        self.authorize(req, self.rule("update"), project_id)
        send_json(resp, self.service.patch(project_id, backup_id, self.body(req)))
