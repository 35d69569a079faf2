"""Static tokens for standalone deployments, kept hashed in a JSON file.

The file is a JSON list of objects: {"token_sha256" (or "token"), "user_id",
"project_id", "roles": [...], "user_name" (optional), "id" (optional)}. It is
re-read when it changes, so `freezer-manage token ...` takes effect at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
import time
from pathlib import Path

import orjson
from oslo_config import cfg

from freezer_api.auth.noauth import split_roles
from freezer_api.conf import paths
from freezer_api.context import RequestContext

LOG = logging.getLogger(__name__)

# How often, at most, the file's modification time is checked.
RELOAD_CHECK_SECONDS = 1.0


class TokensFileError(Exception):
    pass


def tokens_file(conf: cfg.ConfigOpts) -> Path:
    configured = conf.token_auth.tokens_file
    return Path(configured).expanduser() if configured else paths.default_tokens_file()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_entries(path: Path) -> list[dict]:
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except orjson.JSONDecodeError as error:
        raise TokensFileError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise TokensFileError(f"{path} must hold a JSON list of token objects")
    for entry in data:
        if not (entry.get("token") or entry.get("token_sha256")) or not entry.get("user_id") or not entry.get("project_id"):
            raise TokensFileError(f"{path}: every token needs token (or token_sha256), user_id and project_id")
    return data


def save_entries(path: Path, entries: list[dict]) -> None:
    """Write the file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(orjson.dumps(entries, option=orjson.OPT_INDENT_2))
    os.replace(temporary, path)


def create_token(path: Path, *, project_id: str, user_id: str, roles: list[str], user_name: str | None = None) -> tuple[str, dict]:
    """Add a new random token to the file; the token (shown once) and its entry."""
    token = secrets.token_urlsafe(32)
    entry = {
        "id": secrets.token_hex(6),
        "token_sha256": digest(token),
        "user_id": user_id,
        "project_id": project_id,
        "roles": roles,
        "created_at": int(time.time()),
    }
    if user_name:
        entry["user_name"] = user_name
    entries = load_entries(path)
    entries.append(entry)
    save_entries(path, entries)
    return token, entry


def revoke_token(path: Path, token_id: str) -> bool:
    entries = load_entries(path)
    kept = [e for e in entries if e.get("id") != token_id and e.get("token_sha256") != token_id]
    if len(kept) == len(entries):
        return False
    save_entries(path, kept)
    return True


class StaticTokens:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._by_digest: dict[str, dict] = {}
        self._signature: tuple | None = None
        self._checked_at = 0.0
        self._reload()

    def identify(self, header) -> RequestContext | None:
        token = header("X-Auth-Token")
        if not token:
            return None
        now = time.monotonic()
        if now - self._checked_at > RELOAD_CHECK_SECONDS:
            self._checked_at = now
            self._reload()
        entry = self._by_digest.get(digest(token))
        if entry is None:
            return None
        roles = entry.get("roles") or []
        if isinstance(roles, str):
            roles = split_roles(roles)
        return RequestContext(
            user_id=entry["user_id"],
            project_id=entry["project_id"],
            roles=[str(role).lower() for role in roles],
            user_name=entry.get("user_name"),
            auth_token=token,
        )

    def _reload(self) -> None:
        try:
            stat = self.path.stat()
            signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            signature = None
        if signature == self._signature:
            return
        with self._lock:
            try:
                entries = load_entries(self.path) if signature else []
            except TokensFileError:
                if self._signature is None:
                    raise
                LOG.exception("keeping the tokens loaded before: the tokens file is broken")
                self._signature = signature
                return
            by_digest = {}
            for entry in entries:
                key = entry.get("token_sha256") or digest(entry["token"])
                by_digest[key.lower()] = entry
            self._by_digest = by_digest
            self._signature = signature
