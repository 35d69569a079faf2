"""freezer_http_requests_total and freezer_http_request_duration_seconds.

Labelled by the route template Falcon matched (`/v2/{project_id}/jobs/{job_id}`),
never the raw path: the number of series stays bounded whatever callers send.
"""

from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, Counter, Histogram

UNMATCHED = "unmatched"  # a path no route serves (404)

# Upper bounds in seconds: the API's answers take milliseconds; searches and
# a database under load take longer.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# Not in prometheus_client's global registry: each app builds the registry
# /metrics answers from (endpoint.py), in multiprocess mode from the files.
REQUESTS = Counter(
    "freezer_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=None,
)
DURATION = Histogram(
    "freezer_http_request_duration_seconds",
    "Time from receiving a request to its response, by method and route template.",
    ["method", "route"],
    buckets=BUCKETS,
    registry=None,
)


class HttpSeries:
    """Observes every response; keeps each label set's child so a request costs no label lookup."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}
        self._lock = threading.Lock()

    def observe(self, method: str, route: str | None, status: int, seconds: float) -> None:
        route = route or UNMATCHED
        counter = self._counters.get((method, route, status))
        histogram = self._histograms.get((method, route))
        if counter is None or histogram is None:
            with self._lock:
                counter = self._counters.setdefault((method, route, status), REQUESTS.labels(method, route, status))
                histogram = self._histograms.setdefault((method, route), DURATION.labels(method, route))
        counter.inc()
        histogram.observe(seconds)

    @staticmethod
    def register(registry: CollectorRegistry) -> None:
        """Expose this process's own values (single-process mode: uWSGI or gunicorn without the directory)."""
        registry.register(REQUESTS)
        registry.register(DURATION)
