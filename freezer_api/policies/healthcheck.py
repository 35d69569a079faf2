from freezer_api.policies.base import ADMIN, operation

RULES = [
    operation(
        "healthcheck:detailed",
        ADMIN,
        "See each health check's status, latency and findings (also open to loopback callers no proxy forwarded).",
        ("GET", "/healthcheck?detailed=true"),
    ),
]
