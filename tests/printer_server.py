"""A loopback ESC/POS network printer for tests: real TCP, one thread per connection.

Behaviours (what the "printer" does with each connection):
- ok: takes the receipt and answers the real-time status request (DLE EOT 1, 2, 4) online.
- silent: takes the receipt, never answers the status request.
- paper_end / cover_open: takes the receipt, answers with that error bit set.
- stall: accepts and never reads (its buffer fills: the sender times out).
- close: reads a little, then closes with unread data (the kernel answers with a reset).
- reset: reads a little, then resets the connection (SO_LINGER 0).
- garbage: answers the status request with bytes that are not ESC/POS status bytes.
Everything received is kept per connection; `receipts()` decodes what was taken.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Any

from receipts import decode
from receipts.printers import STATUS_REQUEST

ANSWERS = {
    "ok": b"\x12\x12\x12",
    "paper_end": b"\x1a\x32\x72",  # offline; stopped by paper end; paper sensor: no paper
    "cover_open": b"\x1a\x16\x12",  # offline; cover open
    "garbage": b"OK\n",
}


class PrinterServer:
    def __init__(self, behaviour: str = "ok", port: int = 0) -> None:
        self.behaviour = behaviour
        self.connections: list[bytearray] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.threads: list[threading.Thread] = []
        self.closed = threading.Semaphore(0)  # released as each connection ends
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def __enter__(self) -> PrinterServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def printer(self, timeout: float = 2.0, **extra: Any) -> dict[str, Any]:
        """The [printer] table of a config pointing at this server."""
        return {"kind": "network", "host": "127.0.0.1", "port": self.port,
                "timeout": timeout, **extra}

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            received = bytearray()
            with self.lock:
                self.connections.append(received)
            thread = threading.Thread(target=self._serve, args=(conn, received), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, conn: socket.socket, received: bytearray) -> None:
        behaviour = self.behaviour
        conn.settimeout(10)
        try:
            if behaviour == "stall":
                self.stop.wait(30)
                return
            if behaviour in ("close", "reset"):
                received += conn.recv(64)
                if behaviour == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            while not self.stop.is_set():
                chunk = conn.recv(65536)
                if not chunk:
                    return
                received += chunk
                if received.endswith(STATUS_REQUEST) and behaviour in ANSWERS:
                    conn.sendall(ANSWERS[behaviour])
        except OSError:
            return
        finally:
            conn.close()
            self.closed.release()

    def wait_closed(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until `count` more connections have ended (their bytes are all in)."""
        for _ in range(count):
            if not self.closed.acquire(timeout=timeout):
                raise AssertionError("the printer connection did not end")

    def receipts(self) -> list[Any]:
        """Every receipt taken so far, decoded (status requests stripped)."""
        with self.lock:
            streams = [bytes(c).replace(STATUS_REQUEST, b"") for c in self.connections]
        return [receipt for data in streams if data for receipt in decode(data)]

    def close(self) -> None:
        self.stop.set()
        self.acceptor.join(5)
        self.listener.close()
        for thread in self.threads:
            thread.join(5)
