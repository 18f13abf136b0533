"""A fake top-up aggregator on loopback: a real HTTP server in a thread, Reloadly's shape.

It keeps what a real one keeps: transactions by reference (customIdentifier), a balance that
each processed top-up consumes at cost, and it counts every send it received per reference,
so a test can prove nothing was sent twice. `script` decides how the next sends are
answered: "ok", "pending", "fail", "500", "garbage", "slow" (processed, answered after the
client gave up), "hold" (processed, answer held until `release`), "drop" (held unprocessed
until `release`, then the connection is closed: it never arrived).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "test-token-7f3a"


class FakeAggregator:
    def __init__(self, *, balance: Decimal = Decimal("1000"), discount: Decimal = Decimal("4"),
                 slow_seconds: float = 2.0) -> None:
        self.balance = balance
        self.discount = discount
        self.slow_seconds = slow_seconds
        self.script: list[str] = []
        self.transactions: dict[str, dict[str, Any]] = {}
        self.sends: Counter[str] = Counter()  # POSTs received per reference
        self.queries: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.held = threading.Event()  # set when a "hold"/"drop" request is being held
        self.release = threading.Event()
        self._next_id = 1000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAggregator:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    # -- the aggregator's own operations --------------------------------------------------------

    def complete(self, reference: str, status: str = "SUCCESSFUL") -> None:
        """The operator finished a pending top-up (a failure refunds the balance)."""
        with self.lock:
            txn = self.transactions[reference]
            txn["status"] = status
            if status == "SUCCESSFUL":
                txn["operatorTransactionId"] = f"OP{txn['transactionId']}"
            else:
                self.balance += Decimal(str(txn["cost"]))
            txn["balanceInfo"] = {"newBalance": float(self.balance), "currencyCode": "PEN"}

    def _process(self, body: dict[str, Any], status: str) -> dict[str, Any]:
        ref = body["customIdentifier"]
        amount = Decimal(str(body["amount"]))
        cost = (amount * (100 - self.discount) / 100).quantize(Decimal("0.01"))
        with self.lock:
            self._next_id += 1
            if status != "FAILED":
                self.balance -= cost
            txn = {"transactionId": self._next_id, "status": status, "customIdentifier": ref,
                   "operatorTransactionId": (f"OP{self._next_id}" if status == "SUCCESSFUL"
                                             else None),
                   "requestedAmount": float(amount), "cost": float(cost),
                   "recipientPhone": body.get("recipientPhone"),
                   "balanceInfo": {"newBalance": float(self.balance), "currencyCode": "PEN"}}
            if status == "FAILED":
                txn["errorMessage"] = "operator rejected the number"
            self.transactions[ref] = txn
            return dict(txn)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        agg = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, code: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting (a timeout test): expected
                    self.close_connection = True

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._reply(401, {"errorCode": "INVALID_TOKEN", "message": "bad token"})
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorised():
                    return
                url = urlparse(self.path)
                if url.path == "/accounts/balance":
                    self._reply(200, {"balance": float(agg.balance), "currencyCode": "PEN"})
                    return
                if url.path == "/topups/reports/transactions":
                    ref = parse_qs(url.query).get("customIdentifier", [""])[0]
                    with agg.lock:
                        agg.queries[ref] += 1
                        txn = agg.transactions.get(ref)
                        content = [dict(txn)] if txn else []
                    self._reply(200, {"content": content})
                    return
                self._reply(404, {"errorCode": "NOT_FOUND"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                ref = body.get("customIdentifier", "")
                with agg.lock:
                    agg.sends[ref] += 1
                    action = agg.script.pop(0) if agg.script else "ok"
                if not self._authorised():
                    return
                with agg.lock:
                    if ref in agg.transactions:
                        dup = True
                    else:
                        dup = False
                        cost = Decimal(str(body["amount"])) * (100 - agg.discount) / 100
                        short = cost > agg.balance
                if dup:
                    self._reply(409, {"errorCode": "DUPLICATE_CUSTOM_IDENTIFIER",
                                      "message": "customIdentifier already used"})
                    return
                if short:
                    self._reply(400, {"errorCode": "INSUFFICIENT_BALANCE",
                                      "message": "Insufficient balance",
                                      "balance": float(agg.balance)})
                    return
                if action == "drop":
                    agg.held.set()
                    agg.release.wait(30)
                    self.close_connection = True
                    return
                if action == "500":
                    self._reply(500, {"message": "internal error"})
                    return
                status = {"pending": "PENDING", "fail": "FAILED"}.get(action, "SUCCESSFUL")
                txn = agg._process(body, status)
                if action == "garbage":
                    self._reply(200, None, raw=b"<html>gateway hiccup")
                    return
                if action == "slow":
                    time.sleep(agg.slow_seconds)
                if action == "hold":
                    agg.held.set()
                    agg.release.wait(30)
                self._reply(200, txn)

        return Handler
