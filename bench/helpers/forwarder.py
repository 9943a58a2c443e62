"""A TCP forwarder on loopback that a test can cut and restore: a store outage for the bot only.

The bot's processes reach Redis or PostgreSQL through ``127.0.0.1:<forwarder.port>``;
the shared system servers keep running for everybody else::

    with Forwarder(("127.0.0.1", 5432)) as pg:
        ... start the servers with port pg.port ...
        pg.cut()       # open connections are closed, new ones refused (ECONNREFUSED)
        pg.restore()   # the same port accepts again

It runs its own event loop in a daemon thread, so synchronous tests and benchmarks can use it.
"""

from __future__ import annotations

import asyncio
import threading

from bench.helpers.servers import free_port

CHUNK = 64 * 1024


class Forwarder:
    """Forwards ``127.0.0.1:port`` to ``target``; :meth:`cut` and :meth:`restore` switch it."""

    def __init__(self, target: tuple[str, int], port: int = 0) -> None:
        self.target = target
        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"forwarder-{self.port}", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections = 0  # accepted since the start (a figure for benchmarks)

    # ------------------------------------------------------------------ control (any thread)

    def start(self) -> Forwarder:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Stop listening (new connections are refused) and close every open connection."""
        self._call(self._cut())

    def restore(self) -> None:
        """Listen again on the same port."""
        self._call(self._listen())

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._cut())
            self._call(asyncio.sleep(0.1))  # the pipes see their closed ends and finish
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)

    def __enter__(self) -> Forwarder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ the loop's side

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            _abort(writer)
        self._writers.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _abort(client_writer)
            return
        pair = {client_writer, upstream_writer}
        self._writers |= pair
        try:
            await asyncio.gather(_pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer))
        finally:
            for writer in pair:
                _abort(writer)
            self._writers -= pair


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        _abort(writer)


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close at once (RST), as a failed network or a crashed server would."""
    transport = writer.transport
    if not transport.is_closing():
        transport.abort()

