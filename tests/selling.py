"""Helpers shared by tests that sell from several threads at once."""

from __future__ import annotations

import threading
from typing import Any


def sell_beside_print_state(shop: Any, clerk: Any, draft: Any, sales: int,
                            request_prefix: str | None = None) -> list[BaseException]:
    """One thread sells `sales` times (the sale screen) while another writes relaxed print
    state as fast as it can (the print worker); the errors either raised."""
    errors: list[BaseException] = []
    done = threading.Event()

    def seller() -> None:
        try:
            for n in range(sales):
                request_id = f"{request_prefix}-{n}" if request_prefix else None
                shop.sell(clerk, draft, request_id=request_id)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            done.set()

    def print_state() -> None:
        try:
            while not done.is_set():
                shop.terminal.write_tx(lambda tx: tx.one("SELECT 1"), relaxed=True)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)

    threads = [threading.Thread(target=seller), threading.Thread(target=print_state)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
