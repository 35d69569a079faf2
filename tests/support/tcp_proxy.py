"""A TCP proxy between a freezer-api process and its database, owned by a test.

The test points the server at the proxy's port and then plays the network:
`cut()` closes the listening socket and every live connection (what a
database restart looks like to its clients), `blackhole()` accepts
connections but never answers (a host that is up but does not serve),
`restore()` forwards again. The machine's database service is never touched.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

_CONTROL_TIMEOUT = 10.0


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.port = 0  # chosen by the first listen, kept across cuts
        self._mode = "forward"
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)

    # -- control, from the test's thread ------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        self._call(self._cut())

    def blackhole(self) -> None:
        """Drop every open connection; accept new ones but never answer on them."""
        self._call(self._set_mode("blackhole"))

    def restore(self) -> None:
        """Forward connections to the target again."""
        self._call(self._set_mode("forward"))

    def connections(self) -> int:
        """Sockets currently open through the proxy (both sides counted)."""
        return self._call(self._count())

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._cut())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_CONTROL_TIMEOUT)
        self._loop.close()

    def _call(self, coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_CONTROL_TIMEOUT)

    # -- the proxy, on its own event loop -----------------------------------

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self._drop_all()

    async def _set_mode(self, mode: str) -> None:
        self._drop_all()
        self._mode = mode
        if self._server is None:
            await self._listen()

    async def _count(self) -> int:
        return len(self._writers)

    def _drop_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        if self._mode == "blackhole":
            return  # held open, never answered, until the next mode change drops it
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self._close(writer)
            return
        self._writers.add(upstream_writer)
        await asyncio.gather(
            self._pump(reader, upstream_writer),
            self._pump(upstream_reader, writer),
        )

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._close(writer)

    def _close(self, writer: asyncio.StreamWriter) -> None:
        self._writers.discard(writer)
        writer.close()
