"""JSON Schemas of request bodies. The OpenAPI document is built from these too."""
