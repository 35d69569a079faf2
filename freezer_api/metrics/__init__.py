"""Prometheus exposition: an adapter around the domain and storage (docs/observability.md#metrics).

* processes.py: the directory where every worker process keeps its values
  (prometheus_client's multiprocess mode), managed by freezer-api;
* http.py: the per-request series, fed by the request middleware;
* protection.py: series computed from the database at scrape time;
* endpoint.py: GET /metrics and who may call it.
"""
