"""Receipt render cost against bare python-escpos writing the same lines.

Plain script: `python bench/bench_receipt.py`. `run()` returns the figures as a dict.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
from collections.abc import Callable

from receipts import Receipt, decode, render
from receipts.escpos_loader import escpos_printer

RUNS = 300
WARMUP = 30
GOAL = 3.0


def sale() -> Receipt:
    """The receipt the receipts tests print (tests/receipts/conftest.py): one sample, not two."""
    from tests.receipts.conftest import sale_receipt

    return sale_receipt()


def _median_ms(action: Callable[[], object]) -> float:
    for _ in range(WARMUP):
        action()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - started)
    return statistics.median(samples) / 1e6


def run() -> dict[str, object]:
    receipt = sale()
    # The baseline writes exactly the lines our layout produces.
    lines = [line for line in decode(render(receipt))[0].lines if line != receipt.barcode]
    dummy_class = escpos_printer().Dummy
    sink = io.StringIO()

    def bare() -> bytes:
        printer = dummy_class()
        printer.hw("INIT")
        printer.charcode("CP858")
        for line in lines:
            printer.text(line + "\n")
        with contextlib.redirect_stdout(sink):
            printer.barcode("{BR001-00000042", "CODE128", function_type="B")
        sink.seek(0)
        sink.truncate()
        printer.cut()
        return printer.output

    baseline = _median_ms(bare)
    measured = _median_ms(lambda: render(receipt))
    return {
        "figure": "receipt render",
        "baseline_ms": round(baseline, 4),
        "measured_ms": round(measured, 4),
        "ratio": round(measured / baseline, 2),
        "goal": f"<= {GOAL:g}x",
        # The keys `python -m bench` tabulates.
        "baseline": round(baseline, 4),
        "measured": round(measured, 4),
        "unit": "ms",
    }


if __name__ == "__main__":
    print(run())
