"""Preload a running server through its API, with many requests in parallel.

Used for the original freezer-api, whose storage we do not import. Requests
that fail with 5xx (the original answers "database is locked" as 500 under
concurrent SQLite writers) or a dropped connection are retried; the retries
are counted and reported.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bench import dataset
from bench.dataset import PROJECT_ID, Loaded

MAX_ATTEMPTS = 20


class LoadError(RuntimeError):
    pass


class Client:
    """One keep-alive connection per thread, identity headers as the noauth filter trusts them."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.local = threading.local()
        self.retries = 0
        self._lock = threading.Lock()
        self.headers = {
            "X-User-Id": dataset.USER_ID,
            "X-Project-Id": PROJECT_ID,
            "X-Roles": "member,reader",
            "Content-Type": "application/json",
        }

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.local.conn

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                conn = self._connection()
                conn.request(method, f"/v2/{PROJECT_ID}{path}", body=payload, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                status, data = None, b""
            else:
                status = response.status
                if status < 300:
                    return json.loads(data) if data else None
                if status < 500:
                    raise LoadError(f"{method} {path}: {status} {data[:300]!r}")
            with self._lock:
                self.retries += 1
            time.sleep(min(1.0, 0.01 * attempt))
        raise LoadError(f"{method} {path}: still failing after {MAX_ATTEMPTS} attempts ({status} {data[:300]!r})")


def load(base_url: str, size: int, *, parallel: int = 16, progress: Callable[[str], None] = print) -> Loaded:
    """Clients and backups in parallel; jobs and sessions one at a time.

    The original's job creation writes in several steps that collide under
    SQLite (immediate "database is locked"): in parallel it livelocks.
    """
    client = Client(base_url)
    loaded = Loaded(size)
    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        loaded.client_ids = list(
            pool.map(
                lambda i: client.call("POST", "/clients", dataset.client_body(i))["client_id"], range(dataset.CLIENTS)
            )
        )
    for c in range(dataset.CLIENTS):
        for j in range(dataset.JOBS_PER_CLIENT):
            loaded.job_ids.append(client.call("POST", "/jobs", dataset.job_body(c, j))["job_id"])
    loaded.pairs = [_pair(client, loaded.job_ids[index]) for index in loaded.pair_job_indexes()]
    loaded.seconds["clients_jobs_sessions"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        for chunk_start in range(0, size, 10_000):
            chunk = range(chunk_start, min(size, chunk_start + 10_000))
            loaded.backup_ids.extend(
                pool.map(lambda n: client.call("POST", "/backups", dataset.backup_body(n))["backup_id"], chunk)
            )
            done = len(loaded.backup_ids)
            progress(f"  {done:,} backups ({done / (time.monotonic() - started):,.0f}/s, {client.retries} retries)")
    loaded.seconds["backups"] = round(time.monotonic() - started, 1)
    loaded.seconds["retried_requests"] = client.retries
    return loaded


def _pair(client: Client, job_id: str) -> tuple[str, str]:
    session_id = client.call("POST", "/sessions", dataset.session_body())["session_id"]
    client.call("PUT", f"/sessions/{session_id}/jobs/{job_id}")
    return job_id, session_id
