"""/v2/{project_id}/clients"""

import falcon

from freezer_api.api.requests import send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.clients import Clients


class ClientsCollection(Resource):
    def __init__(self, edge: Edge, clients: Clients):
        super().__init__(edge)
        self.clients = clients

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "clients:get_all", project_id)
        limit, offset = self.paging(req)
        send_list(resp, "clients", self.clients.list(project_id, self.body(req), limit=limit, offset=offset))

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        caller = self.authorize(req, "clients:create", project_id)
        body = self.body(req)
        self.authorize_central(req, body, project_id)
        client_id = self.clients.register(caller, project_id, body)
        send_json(resp, {"client_id": client_id}, falcon.HTTP_201)


class ClientItem(Resource):
    def __init__(self, edge: Edge, clients: Clients):
        super().__init__(edge)
        self.clients = clients

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, client_id: str) -> None:
        self.authorize(req, "clients:get", project_id)
        stored = self.clients.get(project_id, client_id)
        send_document(resp, stored.raw, stored.version)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, client_id: str) -> None:
        self.authorize(req, "clients:delete", project_id)
        self.clients.delete(project_id, client_id)
        resp.status = falcon.HTTP_204
