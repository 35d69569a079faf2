"""Responders shared by the v2 document resources, composed per resource.

A resource class names its document kind and mixes in the responders it
serves; Falcon answers 405 (with Allow) for the methods it leaves out.
"""

from __future__ import annotations

from typing import Any

import falcon

from freezer_api.api.requests import send_document, send_json, send_list
from freezer_api.api.resource import Edge, Resource
from freezer_api.context import RequestContext


class DocumentResource(Resource):
    kind = ""  # "actions": the list key and the policy rule prefix
    id_name = ""  # "action_id": the item's path parameter and the id key of responses

    def __init__(self, edge: Edge, service: Any):
        super().__init__(edge)
        self.service = service

    def rule(self, operation: str) -> str:
        return f"{self.kind}:{operation}"


class Listing(DocumentResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        self.authorize(req, self.rule("get_all"), project_id)
        limit, offset = self.paging(req)
        page = self.service.list(project_id, self.search_body(req), limit=limit, offset=offset, marker=self.marker(req))
        send_list(resp, self.kind, page)


class Creation(DocumentResource):
    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str) -> None:
        ctx = self.authorize(req, self.rule("create"), project_id)
        doc_id = self.create(ctx, project_id, self.body(req))
        send_json(resp, {self.id_name: doc_id}, falcon.HTTP_201)

    def create(self, ctx: RequestContext, project_id: str, body: Any) -> str:
        return self.service.create(ctx, project_id, body)


class Showing(DocumentResource):
    def on_get(self, req: falcon.Request, resp: falcon.Response, project_id: str, **path: str) -> None:
        doc_id = path[self.id_name]
        self.authorize(req, self.rule("get"), project_id)
        stored = self.service.get(project_id, doc_id)
        send_document(resp, stored.raw, stored.version)


class Replacing(DocumentResource):
    """POST to the item URL creates or replaces (docs/original-defects.md#d22); PUT is accepted as an alias."""

    replace_rule = "replace"

    def on_post(self, req: falcon.Request, resp: falcon.Response, project_id: str, **path: str) -> None:
        doc_id = path[self.id_name]
        ctx = self.authorize(req, self.rule(self.replace_rule), project_id)
        version = self.service.replace(ctx, project_id, doc_id, self.body(req))
        send_json(resp, {self.id_name: doc_id, "version": version}, falcon.HTTP_201)

    on_put = on_post


class Patching(DocumentResource):
    def on_patch(self, req: falcon.Request, resp: falcon.Response, project_id: str, **path: str) -> None:
        doc_id = path[self.id_name]
        ctx = self.authorize(req, self.rule("update"), project_id)
        version = self.service.patch(ctx, project_id, doc_id, self.body(req))
        send_json(resp, {self.id_name: doc_id, "version": version})


class Deleting(DocumentResource):
    def on_delete(self, req: falcon.Request, resp: falcon.Response, project_id: str, **path: str) -> None:
        doc_id = path[self.id_name]
        ctx = self.authorize(req, self.rule("delete"), project_id)
        self.delete(ctx, project_id, doc_id)
        resp.status = falcon.HTTP_204

    def delete(self, ctx: RequestContext, project_id: str, doc_id: str) -> None:
        self.service.delete(project_id, doc_id)
