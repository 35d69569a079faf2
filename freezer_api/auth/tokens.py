"""Static tokens for standalone deployments, kept hashed in a JSON file.

The file is a JSON list of objects: {"token_sha256" (or "token"), "user_id",
"project_id", "roles": [...], "user_name" (optional), "id" (optional)}. It is
re-read when it changes, so `freezer-manage token ...` takes effect at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
from oslo_config import cfg

from freezer_api.auth import HeaderLookup
from freezer_api.auth.noauth import split_roles
from freezer_api.conf import paths
from freezer_api.context import RequestContext

LOG = logging.getLogger(__name__)

# How often, at most, the file's modification time is checked.
RELOAD_CHECK_SECONDS = 1.0

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class TokensFileError(Exception):
    pass


def tokens_file(conf: cfg.ConfigOpts) -> Path:
    configured = conf.token_auth.tokens_file
    return Path(configured).expanduser() if configured else paths.default_tokens_file()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_entries(path: Path) -> list[dict]:
    """The entries of the tokens file ([] when it does not exist); TokensFileError if it is unusable."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise TokensFileError(f"{path} cannot be read: {error.strerror}") from error
    except orjson.JSONDecodeError as error:
        raise TokensFileError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise TokensFileError(f"{path} must hold a JSON list of token objects")
    for number, entry in enumerate(data, start=1):
        problem = _entry_problem(entry)
        if problem:
            raise TokensFileError(f"{path}: token {number} (user {entry.get('user_id')!r}): {problem}")
    return data


def _entry_problem(entry: dict) -> str | None:
    if not _text(entry.get("token")) and not _text(entry.get("token_sha256")):
        return "needs 'token' or 'token_sha256'"
    if "token_sha256" in entry and not _SHA256.match(str(entry["token_sha256"])):
        return "'token_sha256' must be 64 hexadecimal digits"
    for key in ("user_id", "project_id"):
        if not _text(entry.get(key)):
            return f"needs '{key}' (a non-empty string)"
    roles = entry.get("roles", [])
    if not isinstance(roles, str) and not (isinstance(roles, list) and all(_text(role) for role in roles)):
        return "'roles' must be a list of role names"
    return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def entry_id(entry: dict) -> str:
    """How `freezer-manage token list` names an entry, and `token revoke` finds it."""
    return entry.get("id") or (entry.get("token_sha256") or digest(entry["token"]))[:12]


def readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the file between concurrent freezer-manage runs."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def save_entries(path: Path, entries: list[dict]) -> None:
    """Write the file atomically, readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(orjson.dumps(entries, option=orjson.OPT_INDENT_2))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def create_token(
    path: Path, *, project_id: str, user_id: str, roles: list[str], user_name: str | None = None
) -> tuple[str, dict]:
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
    problem = _entry_problem(entry)
    if problem:
        raise TokensFileError(problem)
    with _exclusive(path):
        entries = load_entries(path)
        entries.append(entry)
        save_entries(path, entries)
    return token, entry


def revoke_token(path: Path, token_id: str) -> bool:
    """Remove the entry named `token_id` (as listed, or its full token_sha256)."""
    with _exclusive(path):
        entries = load_entries(path)
        kept = [e for e in entries if token_id not in (entry_id(e), e.get("token_sha256"))]
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

    def identify(self, header: HeaderLookup, environ: dict | None = None) -> RequestContext | None:
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
