"""One freezer-api per port: refuse to start where another process already listens.

granian's workers bind the port with SO_REUSEPORT so that they can share it;
the kernel then lets any later process of the same user share it too, and
splits connections between the two servers. Before granian starts, the
server process therefore binds the address once without SO_REUSEPORT (which
fails while any socket holds the port) and holds a per-user lock named after
the port for as long as it runs, so that two freezer-api starting at the
same moment cannot both pass that check.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import tempfile
from pathlib import Path


class AddressInUse(Exception):
    """The address cannot be served by this process (the message names it)."""


class AddressClaim:
    """The lock that keeps other freezer-api processes of this user off the port."""

    def __init__(self, lock_fd: int | None):
        self._lock_fd = lock_fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def display_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def lock_path(port: int) -> Path:
    """Per user and port: 127.0.0.1:9090 and 0.0.0.0:9090 conflict, so the host is not part of it."""
    directory = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(directory) / f"freezer-api-{os.getuid()}-port-{port}.lock"


def claim_address(host: str, port: int) -> AddressClaim:
    """Raise AddressInUse unless this process may serve host:port."""
    shown = display_address(host, port)
    lock_fd = _take_lock(lock_path(port), shown)
    try:
        _probe_bind(host, port, shown)
    except BaseException:
        if lock_fd is not None:
            os.close(lock_fd)
        raise
    return AddressClaim(lock_fd)


def _take_lock(path: Path, shown: str) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        # No usable lock directory: the bind probe alone still catches a running server.
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AddressInUse(f"{shown} is already in use by another process") from None
    return fd


def _probe_bind(host: str, port: int, shown: str) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise AddressInUse(f"cannot listen on {shown}: {error.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # SO_REUSEADDR: connections of a previous server in TIME_WAIT do not count as a listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise AddressInUse(f"{shown} is already in use by another process") from None
            raise AddressInUse(f"cannot listen on {shown}: {error.strerror}") from None
