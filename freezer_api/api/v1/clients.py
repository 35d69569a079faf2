"""/v1/clients"""

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.resource import Edge
from freezer_api.api.v1.resource import V1Resource
from freezer_api.domain.clients_v1 import ClientsV1, client_info


class ClientsCollection(V1Resource):
    def __init__(self, edge: Edge, clients: ClientsV1):
        super().__init__(edge)
        self.clients = clients

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = self.authorize_own_project(req, "clients:get_all")
        limit, offset = self.paging(req)
        send_json(
            resp, {"clients": self.clients.list(ctx.project_id, self.search_body(req), limit=limit, offset=offset)}
        )

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = self.authorize_own_project(req, "clients:create")
        info = client_info(self.body(req))
        self.authorize_central(req, info, ctx.project_id)
        client_id = self.clients.register(ctx, ctx.project_id, info)
        send_json(resp, {"client_id": client_id}, falcon.HTTP_201)


class ClientItem(V1Resource):
    def __init__(self, edge: Edge, clients: ClientsV1):
        super().__init__(edge)
        self.clients = clients

    def on_get(self, req: falcon.Request, resp: falcon.Response, client_id: str) -> None:
        ctx = self.authorize_own_project(req, "clients:get")
        send_json(resp, self.clients.get(ctx.project_id, client_id))

    def on_patch(self, req: falcon.Request, resp: falcon.Response, client_id: str) -> None:
        ctx = self.authorize_own_project(req, "clients:update")
        send_json(resp, self.clients.patch(ctx.project_id, client_id, self.body(req)))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, client_id: str) -> None:
        ctx = self.authorize_own_project(req, "clients:delete")
        self.clients.delete(ctx.project_id, client_id)
        resp.status = falcon.HTTP_204
