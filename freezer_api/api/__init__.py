"""The HTTP edge: routes per API version, request parsing, error mapping."""
