"""Raw-socket clients that misbehave on purpose: a request head or body sent a byte at a time, or cut short.

Each returns how long the server held it and what the server answered (``None``:
still held when the client gave up), so a test can check that every one was dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time


async def trickle(port: int, head: bytes, drip: bytes, *, interval: float = 0.05, give_up: float = 30.0) -> tuple[float, bytes | None]:
    """Send ``head``, then ``drip`` one byte per ``interval`` (forever, cycling) until the server closes or answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(head)

    async def dripping() -> None:
        with contextlib.suppress(ConnectionError, OSError):
            for byte in itertools.cycle(drip):
                await asyncio.sleep(interval)
                writer.write(bytes([byte]))
                await writer.drain()

    task = asyncio.create_task(dripping())
    try:
        answer: bytes | None = await asyncio.wait_for(reader.read(), give_up)
    except TimeoutError:
        answer = None
    except ConnectionError:
        answer = b""
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()
    return time.monotonic() - started, answer


async def cut_short(port: int, body: bytes, *, sent: int, headers: dict[str, str] | None = None) -> None:
    """POST /slack/events announcing ``len(body)`` bytes, send the first ``sent``, then disconnect."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    writer.write(f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:sent])
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


def slow_head() -> tuple[bytes, bytes]:
    """A request line, then header bytes that never end (slowloris)."""
    return b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaa\r\n"


def slow_body(length: int = 4000) -> tuple[bytes, bytes]:
    """A complete head announcing ``length`` body bytes, then the body a byte at a time."""
    head = (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    return head, b'{"a":"' + b"x" * 64
