"""Logging set-up shared by the server's parent process and its workers."""

from __future__ import annotations

import logging.config

# The start of granian's warning that blocking_threads exceeds 2 x CPUs + 1 (granian/server/mp.py).
GRANIAN_THREADS_ADVICE = "Configuration allows spawning up to"


class WithoutGranianThreadsAdvice(logging.Filter):
    """Drop granian's "quite high" thread-count warning, printed at every start on small machines.

    The threads of a worker mostly wait on the database, granian's backpressure
    already equals them, and [api] threads_per_worker was chosen by measurement
    (bench/RESULTS.md): the advice names nothing an operator should change.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(GRANIAN_THREADS_ADVICE)


def logging_config(level: str = "INFO") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"},
        },
        "filters": {"granian_threads_advice": {"()": "freezer_api.logs.WithoutGranianThreadsAdvice"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "freezer_api": {"handlers": ["stderr"], "level": level, "propagate": False},
            "_granian": {
                "handlers": ["stderr"],
                "filters": ["granian_threads_advice"],
                "level": "INFO" if level == "DEBUG" else "WARNING",
                "propagate": False,
            },
            "granian.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def setup(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
