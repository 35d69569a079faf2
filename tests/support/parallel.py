"""Requests released together from parallel threads."""

from __future__ import annotations

import threading

import requests


def all_at_once(calls):
    """Run the calls (each given its own requests.Session) in threads released together; their responses in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        with requests.Session() as http:
            barrier.wait()
            results[index] = call(http)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
