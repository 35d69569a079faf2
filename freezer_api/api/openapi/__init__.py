"""The OpenAPI document: operation tables per API version, and the generator.

`python -m freezer_api.api.openapi` prints it (what `make openapi` writes to
openapi.json at the top of the repository).
"""

from __future__ import annotations

import orjson

from freezer_api.api.openapi.document import build_document

__all__ = ["build_document", "document_bytes"]


def document_bytes() -> bytes:
    """The document as published: indented JSON, ending with a newline."""
    return orjson.dumps(build_document(), option=orjson.OPT_INDENT_2) + b"\n"
