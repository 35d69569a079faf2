"""Logging set-up shared by the server's parent process and its workers.

`[DEFAULT] log_format = text` writes one readable line per record;
`json` writes one JSON object per line (docs/observability.md#logs). In
both, every record written while a request is served carries that
request's id.
"""

from __future__ import annotations

import contextvars
import logging.config
from datetime import UTC, datetime
from typing import Any

import orjson

# The start of granian's warning that blocking_threads exceeds 2 x CPUs + 1 (granian/server/mp.py).
GRANIAN_THREADS_ADVICE = "Configuration allows spawning up to"

# The id of the request the current thread serves (set by the request middleware).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Fields an access record carries (LOG.info(..., extra=...)), written as JSON keys.
REQUEST_FIELDS = ("method", "route", "path", "status", "duration_ms", "project_id")


class WithoutGranianThreadsAdvice(logging.Filter):
    """Drop granian's "quite high" thread-count warning, printed at every start on small machines.

    The threads of a worker mostly wait on the database, granian's backpressure
    already equals them, and [api] threads_per_worker was chosen by measurement
    (bench/RESULTS.md): the advice names nothing an operator should change.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(GRANIAN_THREADS_ADVICE)


class WithRequestId(logging.Filter):
    """Give every record the id of the request being served, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message, request_id and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


FORMATTERS = {
    "text": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"},
    "json": {"()": "freezer_api.logs.JsonFormatter"},
}


def logging_config(level: str = "INFO", log_format: str = "text") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"configured": FORMATTERS[log_format]},
        "filters": {
            "granian_threads_advice": {"()": "freezer_api.logs.WithoutGranianThreadsAdvice"},
            "request_id": {"()": "freezer_api.logs.WithRequestId"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "configured",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            },
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


def setup(level: str = "INFO", log_format: str = "text") -> None:
    logging.config.dictConfig(logging_config(level, log_format))
