"""The time the ledger adds around a top-up, against the fake aggregator's bare round trip.

Both run in the same process against the same loopback fake aggregator
(tests/topup/fake_aggregator.py): the baseline is a bare httpx POST of a top-up; the measured
path is `Shop.sell` with the `http` gateway (sale commit, the same POST, the `topup_ok`
entry). measured − baseline is what the ledger costs (two fsynced commits and their hashes).

`python -m bench.bench_topup` prints the figures; `run()` returns them as a dict.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import add_staff, open_shop

RUNS = 90
WARMUP = 10


def run(runs: int = RUNS, warmup: int = WARMUP) -> dict[str, Any]:
    import httpx

    from pos.services import ClerkView
    from pos.topup.service import restock
    from tests.topup.fake_aggregator import TOKEN, FakeAggregator

    agg = FakeAggregator(balance=Decimal("10000000")).start()
    os.environ["POS_BENCH_TOPUP_TOKEN"] = TOKEN
    try:
        with tempfile.TemporaryDirectory(prefix="bench-topup-") as tmp:
            shop = open_shop(Path(tmp), f"""
[shop]
name = "Bodega"
ruc = "10456789019"
[ledger]
url = "sqlite:///ledger.db"
[printer]
kind = "none"
[topup]
gateway = "http"
[topup.http]
base_url = "{agg.url}"
credentials_env = "POS_BENCH_TOPUP_TOKEN"
""")
            add_staff(shop)
            clerk = ClerkView("Juan", "clerk")
            restock(shop, ClerkView("Rosa", "manager"), "main", Decimal("1000000"),
                    Decimal("4"))
            shop.open_shift(clerk, Decimal("100"))
            client = httpx.Client(base_url=agg.url,
                                  headers={"Authorization": f"Bearer {TOKEN}"})
            counter = iter(range(10**9))

            def bare() -> None:
                ref = f"BARE-{next(counter)}"
                client.post("/topups", json={"customIdentifier": ref, "operator": "claro",
                                             "amount": "20", "recipientPhone":
                                             {"countryCode": "PE", "number": "987654321"}})

            def sell() -> None:
                draft = shop.build_draft(operator="claro", phone="987654321", amount="20",
                                         method="cash", id_spec="dni:12345678", tendered="50")
                result = shop.sell(clerk, draft, print_now=False)
                assert result.topup.status.state == "confirmed"

            bare_ms: list[float] = []
            sell_ms: list[float] = []
            for _ in range(warmup):
                bare()
                sell()
            for _ in range(runs):  # interleaved, so a hiccup hits both alike
                start = time.perf_counter()
                bare()
                bare_ms.append(time.perf_counter() - start)
                start = time.perf_counter()
                sell()
                sell_ms.append(time.perf_counter() - start)
            client.close()
            shop.close()
    finally:
        agg.stop()
    baseline = statistics.median(bare_ms) * 1000
    measured = statistics.median(sell_ms) * 1000
    return {
        "figure": "top-up: sell + send + outcome entry vs bare aggregator round trip",
        "goal": "report",
        "baseline": round(baseline, 3),
        "measured": round(measured, 3),
        "ratio": round(measured / baseline, 2),
        "unit": "ms",
        "ledger_adds_ms": round(measured - baseline, 3),
        "runs": runs,
    }


def main() -> None:
    for key, value in run().items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
