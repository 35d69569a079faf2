"""Reading requests: JSON bodies (also on GET, also chunked) and paging parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import falcon
import orjson

# A body never read in full when larger than this many bytes over the limit.
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_body_size: int
    default_limit: int
    max_limit: int


def read_json(req: falcon.Request, limits: Limits) -> Any:
    """The decoded JSON body, or None when there is none (absent, empty, `null`)."""
    length = req.content_length
    if length is None and not _is_chunked(req):
        return None
    if length is not None and length > limits.max_body_size:
        raise _too_large(limits)
    raw = _read(req, length, limits)
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise falcon.HTTPBadRequest(title="Malformed JSON", description=f"The body is not valid JSON: {error}")


def _is_chunked(req: falcon.Request) -> bool:
    encoding = req.get_header("Transfer-Encoding")
    return bool(encoding) and "chunked" in encoding.lower()


def _read(req: falcon.Request, length: int | None, limits: Limits) -> bytes:
    if length is not None:
        return req.bounded_stream.read(length)
    parts = []
    size = 0
    while True:
        chunk = req.stream.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limits.max_body_size:
            raise _too_large(limits)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(limits: Limits) -> falcon.HTTPError:
    return falcon.HTTPContentTooLarge(
        title="Request body too large",
        description=f"Request bodies are limited to {limits.max_body_size} bytes.",
    )


def paging(req: falcon.Request, limits: Limits) -> tuple[int, int]:
    """(limit, offset) from the query string; limit 0 or absent means the default."""
    limit = _non_negative(req, "limit")
    offset = _non_negative(req, "offset")
    if not limit:
        limit = limits.default_limit
    return min(limit, limits.max_limit), offset or 0


def _non_negative(req: falcon.Request, name: str) -> int | None:
    value = req.get_param(name)
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise falcon.HTTPInvalidParam(f"'{value}' is not an integer.", name)
    if number < 0:
        raise falcon.HTTPInvalidParam("It must not be negative.", name)
    return number


def boolean_param(req: falcon.Request, name: str) -> bool:
    """A boolean query parameter in any spelling OpenStack clients use."""
    value = req.get_param(name)
    if value is None or value == "":
        return False
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise falcon.HTTPInvalidParam(f"'{value}' is not a boolean.", name)


_TRUE = {"true", "t", "yes", "y", "1", "on"}
_FALSE = {"false", "f", "no", "n", "0", "off"}


def send_json(resp: falcon.Response, document: Any, status: str = falcon.HTTP_200) -> None:
    resp.status = status
    resp.data = orjson.dumps(document)
    resp.content_type = falcon.MEDIA_JSON


def send_list(resp: falcon.Response, key: str, raw_documents: list[str]) -> None:
    """`{key: [...]}` assembled from stored JSON texts without re-encoding them."""
    resp.data = b'{"%s":[%s]}' % (key.encode(), ",".join(raw_documents).encode())
    resp.content_type = falcon.MEDIA_JSON


def send_document(resp: falcon.Response, raw: str, version: int) -> None:
    """A stored JSON object with its `_version` added."""
    resp.data = b'%s,"_version":%d}' % (raw[:-1].encode(), version)
    resp.content_type = falcon.MEDIA_JSON
