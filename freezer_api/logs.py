"""Logging set-up shared by the server's parent process and its workers."""

from __future__ import annotations

import logging.config


def logging_config(level: str = "INFO") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "freezer_api": {"handlers": ["stderr"], "level": level, "propagate": False},
            "_granian": {
                "handlers": ["stderr"],
                "level": "INFO" if level == "DEBUG" else "WARNING",
                "propagate": False,
            },
            "granian.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def setup(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
