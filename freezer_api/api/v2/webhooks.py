"""/v2/{project_id}/webhooks (docs/observability.md#webhooks)"""

from __future__ import annotations

import falcon

from freezer_api.api.requests import send_json
from freezer_api.api.resource import Edge, Resource
from freezer_api.domain.webhooks import Webhooks


class _WebhookResource(Resource):
    def __init__(self, edge: Edge, service: Webhooks):
        super().__init__(edge)
        self.service = service


class WebhooksCollection(_WebhookResource):
    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        ctx = self.authorize(req, "webhooks:create", project_id)
        send_json(resp, self.service.create(ctx, project_id, self.body(req)), falcon.HTTP_201)

    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, "webhooks:get_all", project_id)
        limit, offset = self.paging(req)
        send_json(resp, {"webhooks": self.service.list(project_id, limit=limit, offset=offset)})


class WebhookItem(_WebhookResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, webhook_id: str) -> None:
        self.authorize(req, "webhooks:get", project_id)
        send_json(resp, self.service.get(project_id, webhook_id))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, webhook_id: str) -> None:
        self.authorize(req, "webhooks:delete", project_id)
        self.service.delete(project_id, webhook_id)
        resp.status = falcon.HTTP_204


class WebhookDeliveries(_WebhookResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, webhook_id: str) -> None:
        self.authorize(req, "webhooks:get_deliveries", project_id)
        limit, offset = self.paging(req)
        send_json(resp, {"deliveries": self.service.deliveries(project_id, webhook_id, limit=limit, offset=offset)})
