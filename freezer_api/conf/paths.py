"""Where freezer-api keeps its files when the configuration does not say."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "freezer-api"
# Tests and packagers may move the per-user data directory.
DATA_DIR_ENV = "FREEZER_API_DATA_DIR"


def data_dir() -> Path:
    """The per-user data directory (created on demand by callers)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME)


def default_database_url() -> str:
    return "sqlite:///" + str(data_dir() / "freezer-api.sqlite")


def default_tokens_file() -> Path:
    return data_dir() / "tokens.json"


def default_config_files() -> list[str]:
    """Config files read when --config-file is not given: those that exist."""
    candidates = [
        Path("/etc/freezer/freezer-api.conf"),
        platformdirs.user_config_path(APP_NAME) / "freezer-api.conf",
    ]
    return [str(p) for p in candidates if p.is_file()]
