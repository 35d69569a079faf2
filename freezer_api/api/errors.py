"""Every error becomes a JSON body {"title", "description"} with the right status."""

from __future__ import annotations

import logging
from typing import Any

import falcon
import orjson

from freezer_api.domain import errors as domain

LOG = logging.getLogger(__name__)

_STATUS = {
    domain.BadRequest: falcon.HTTP_400,
    domain.Forbidden: falcon.HTTP_403,
    domain.NotFound: falcon.HTTP_404,
    domain.UnknownAction: falcon.HTTP_405,
    domain.Conflict: falcon.HTTP_409,
    domain.Unprocessable: falcon.HTTP_422,
    domain.Unavailable: falcon.HTTP_503,
}

# Seconds a client should wait before retrying after a 503.
RETRY_AFTER = "5"

_DEFAULT_DESCRIPTIONS = {
    404: "The resource does not exist.",
    405: "The method is not allowed on this resource.",
}


def serialize_error(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError) -> None:
    """Render any falcon.HTTPError as JSON, whatever the client's Accept header."""
    description = error.description or _DEFAULT_DESCRIPTIONS.get(error.status_code) or error.title
    resp.data = orjson.dumps({"title": error.title, "description": description})
    resp.content_type = falcon.MEDIA_JSON


def handle_domain_error(
    req: falcon.Request, resp: falcon.Response, error: domain.FreezerError, params: dict[str, Any]
) -> None:
    status = next((_STATUS[cls] for cls in type(error).__mro__ if cls in _STATUS), falcon.HTTP_500)
    headers = {}
    if isinstance(error, domain.Unavailable):
        headers["Retry-After"] = RETRY_AFTER
    if isinstance(error, domain.UnknownAction):
        headers["Allow"] = "GET, POST, HEAD, PATCH, DELETE"
    raise falcon.HTTPError(status, title=error.title, description=error.description, headers=headers)


def handle_unexpected(req: falcon.Request, resp: falcon.Response, error: Exception, params: dict[str, Any]) -> None:
    """A bug: log it with the request id, answer 500 without internals."""
    request_id = getattr(req.context, "request_id", "-")
    LOG.error("unexpected error in %s %s [%s]", req.method, req.path, request_id, exc_info=error)
    raise falcon.HTTPInternalServerError(
        title="Internal Server Error",
        description=f"The server could not complete the request (request id {request_id}).",
    )


def install(app: falcon.App) -> None:
    app.set_error_serializer(serialize_error)
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(domain.FreezerError, handle_domain_error)
