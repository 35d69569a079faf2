"""/v2/{project_id}/clients"""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.v2.documents import Deleting, Listing, Showing


class ClientsCollection(Listing):
    kind, id_name = "clients", "client_id"

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        """Register, or re-register; central clients need a second rule."""
        ctx = self.authorize(req, self.rule("create"), project_id)
        body = self.body(req)
        self.authorize_central(req, body, project_id)
        client_id = self.service.register(ctx, project_id, body)
        send_json(resp, {"client_id": client_id}, falcon.HTTP_201)


class ClientItem(Showing, Deleting):
    kind, id_name = "clients", "client_id"
