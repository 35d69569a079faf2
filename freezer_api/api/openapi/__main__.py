import sys

from freezer_api.api.openapi import document_bytes

sys.stdout.buffer.write(document_bytes())
