"""Domain rules of the Freezer API: documents, search, jobs, sessions.

Nothing here knows about HTTP or SQL; failures are raised as the errors of
`freezer_api.domain.errors` and mapped to status codes at the edge.
"""
