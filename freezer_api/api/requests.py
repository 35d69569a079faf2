"""Reading requests: JSON bodies (also on GET, also chunked) and paging parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import falcon
import orjson

from freezer_api.api.json_limits import check_json_limits

# A body never read in full when larger than this many bytes over the limit.
_CHUNK = 64 * 1024

# Media types a JSON body may be declared as. Bodies without a Content-Type
# are read as JSON too (tempest sends them); `curl -d` and urllib declare
# form-urlencoded for what is JSON, and upstream never looked.
_BODY_MEDIA_TYPES = ("application/json", "application/x-www-form-urlencoded")
_CHARSETS = ("utf-8", "utf8", "us-ascii")


@dataclass(frozen=True)
class Limits:
    max_body_size: int
    default_limit: int
    max_limit: int
    max_json_depth: int = 32
    max_string_length: int = 65536
    max_search_terms: int = 64
    max_search_value_length: int = 1024


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
    _check_media_type(req.content_type)
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise falcon.HTTPBadRequest(
            title="Malformed JSON", description=f"The body is not valid JSON: {error}"
        ) from None
    check_json_limits(document, max_depth=limits.max_json_depth, max_string_length=limits.max_string_length)
    return document


SEARCH_PARAM = "search"


def search_object(req: falcon.Request, limits: Limits) -> Any:
    """The search object of a list request: its JSON body, or the `search` query parameter (never both).

    Browsers cannot send a body with GET, so the same object is also taken
    URL-encoded from `?search=`; it is held to the body's limits.
    """
    body = read_json(req, limits)
    value = req.params.get(SEARCH_PARAM)
    if value is None or value == "":
        return body
    values: list[str] = value if isinstance(value, list) else [value]
    if len(values) > 1:
        raise falcon.HTTPInvalidParam("Give one search object, not several.", SEARCH_PARAM)
    if body is not None:
        raise falcon.HTTPBadRequest(
            title="Two search objects",
            description="Give the search object either as the body or as the search query parameter, not both.",
        )
    (text,) = values
    if len(text.encode()) > limits.max_body_size:
        raise falcon.HTTPInvalidParam(f"It is limited to {limits.max_body_size} bytes.", SEARCH_PARAM)
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise falcon.HTTPInvalidParam(f"It is not valid JSON: {error}", SEARCH_PARAM) from None
    check_json_limits(document, max_depth=limits.max_json_depth, max_string_length=limits.max_string_length)
    return document


def _check_media_type(content_type: str | None) -> None:
    """415 for a body declared as something other than (UTF-8) JSON."""
    if not content_type:
        return
    media_type, parameters = falcon.parse_header(content_type)
    media_type = media_type.lower()
    json_like = media_type in _BODY_MEDIA_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
    if not json_like:
        raise falcon.HTTPUnsupportedMediaType(
            title="Unsupported media type",
            description=f"Request bodies are JSON: send Content-Type: application/json, not {media_type!r}.",
        )
    charset = parameters.get("charset")
    if charset and charset.lower() not in _CHARSETS:
        raise falcon.HTTPUnsupportedMediaType(
            title="Unsupported media type",
            description=f"JSON bodies are UTF-8, not {charset!r}.",
        )


def _is_chunked(req: falcon.Request) -> bool:
    encoding = req.get_header("Transfer-Encoding")
    return encoding is not None and "chunked" in encoding.lower()


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


def count_limit(req: falcon.Request, limits: Limits, default: int) -> int:
    """A `limit` that counts entries of an answer (not a page of documents): absent or 0 is `default`."""
    return min(_non_negative(req, "limit") or default, limits.max_limit)


# Paging numbers end up in SQL: they must fit a signed 64-bit integer.
MAX_PAGING_VALUE = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]+")


def _non_negative(req: falcon.Request, name: str) -> int | None:
    value = req.get_param(name)
    if value is None or value == "":
        return None
    if not _INTEGER.fullmatch(value) or len(value) > 20:
        raise falcon.HTTPInvalidParam(f"{value[:40]!r} is not an integer.", name)
    number = int(value)
    if number < 0:
        raise falcon.HTTPInvalidParam("It must not be negative.", name)
    if number > MAX_PAGING_VALUE:
        raise falcon.HTTPInvalidParam(f"It must be at most {MAX_PAGING_VALUE}.", name)
    return number


# The spellings upstream (Falcon's get_param_as_bool) accepted, exactly.
TRUE_WORDS = ("true", "True", "t", "yes", "y", "1", "on")
FALSE_WORDS = ("false", "False", "f", "no", "n", "0", "off")


def boolean_param(req: falcon.Request, name: str) -> bool:
    """A boolean query parameter in any spelling OpenStack clients use."""
    value = req.get_param(name)
    if value is None or value == "":
        return False
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise falcon.HTTPInvalidParam(f"{value[:40]!r} is not a boolean.", name)


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
