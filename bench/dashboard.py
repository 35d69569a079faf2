"""How fast the dashboard's pages render in a real browser at 10,000 jobs (run by hand; figures in RESULTS.md).

    .venv/bin/python -m bench.dashboard [--jobs 10000] [--loads 10]

Seeds a SQLite catalog in process through the domain services (1,000
clients, --jobs jobs; every tenth job has run and failed, reported as the
scheduler reports it: a PATCH into running, then back to scheduled with
result fail; every twentieth missed its date an hour ago, so the overview's
health summary has failing and overdue jobs to count and list), starts a real
freezer-api (static tokens) over it, logs in to /ui/ in headless Chromium
and loads each page --loads times, reporting the median and worst time
from navigation start to the load event, and the API calls each page made.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from freezer_api.app import create_store
from freezer_api.context import RequestContext
from freezer_api.domain.services import Services
from tests.conftest import make_conf
from tests.support import factories
from tests.support.browser import FLAGS, ensure_chromium
from tests.support.personas import PERSONAS
from tests.support.server import start_server

MEMBER = PERSONAS["member_a"]
CLIENTS = 1000
PAGES = (
    "/ui",
    "/ui/clients/c0_host0.example.com",
    "/ui/jobs",
    "/ui/clients",
    "/ui/backups",
    "/ui/jobs?q=result:fail",
    "/ui/jobs?offset=9000",
)


def seed(database: Path, jobs: int) -> None:
    store = create_store(make_conf(database={"connection": f"sqlite:///{database}"}))
    ctx = RequestContext(user_id=MEMBER.user_id, project_id=MEMBER.project_id, roles=["member"])
    services = Services.over(store)
    clients = [
        services.clients.register(ctx, MEMBER.project_id, factories.client_info(f"c{i}_host{i}.example.com"))
        for i in range(CLIENTS)
    ]
    missed = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    for j in range(jobs):
        schedule = {"schedule_date": missed} if j % 20 == 5 else {"schedule_interval": "1 days"}
        body = factories.job(clients[j % CLIENTS], description=f"job {j}", job_schedule=schedule)
        job_id = services.jobs.create(ctx, MEMBER.project_id, body)
        if j % 10 == 0:
            started = int(time.time())
            for report in (
                {"status": "running", "result": "", "time_started": started, "time_ended": -1},
                {"status": "scheduled", "result": "fail", "time_started": started, "time_ended": started + 60},
            ):
                services.jobs.patch(ctx, MEMBER.project_id, job_id, {"job_schedule": {**schedule, **report}})
    store.dispose()


def measure(url: str, loads: int) -> dict[str, tuple[float, float, str]]:
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(ensure_chromium()), headless=True, args=list(FLAGS)
        )
        page = context.new_page()
        page.goto(f"{url}/ui/login")
        page.get_by_label("Token").fill(MEMBER.token)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{url}/ui")
        for path in PAGES:
            times = []
            calls = "?"
            for _ in range(loads):
                response = page.goto(url + path)
                calls = response.headers.get("x-api-calls", "?")
                times.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
            results[path] = (statistics.median(times), max(times), calls)
        context.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "freezer.sqlite"
        started = time.monotonic()
        seed(database, args.jobs)
        print(f"seeded {args.jobs:,} jobs over {CLIENTS:,} clients in {time.monotonic() - started:.0f} s")
        server = start_server(Path(directory) / "server", database_url=f"sqlite:///{database}")
        try:
            results = measure(server.url, args.loads)
        finally:
            server.stop()
    print(f"{'page':36} {'median s':>9} {'worst s':>8} {'API calls':>10}")
    for path, (median, worst, calls) in results.items():
        print(f"{path:36} {median:9.3f} {worst:8.3f} {calls:>10}")


if __name__ == "__main__":
    main()
