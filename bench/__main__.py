"""Run every benchmark and print one table: figure, goal, baseline, measured, ratio.

    python -m bench                 # all of them
    python -m bench sell receipt    # some of them (module names without "bench_")
    python -m bench --markdown bench/RESULTS.md
    python -m bench verify --entries 1000000   # verify's full figure (default 100,000)

Each bench/bench_*.py module has `run()` returning a dict or a list of dicts with the keys
figure, goal, baseline, measured, ratio, unit; the baseline is measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

MODULES = ["sell", "cli", "receipt", "startup", "verify", "memory", "dayclose", "pg_terminals",
           "topup"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="module names, e.g. sell receipt")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--entries", type=int, help="journal entries for verify (100,000)")
    args = parser.parse_args(argv)
    if args.entries:
        os.environ["POS_BENCH_ENTRIES"] = str(args.entries)  # read when bench_verify loads
    from bench.common import compile_tree

    compile_tree()  # every benchmark times our code as installed: compiled (bench/common.py)
    rows: list[dict[str, object]] = []
    failed = 0
    for name in args.only or MODULES:
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            result = module.run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append({"figure": f"{name}: FAILED", "goal": "", "baseline": "",
                         "measured": "", "ratio": "", "unit": ""})
            failed += 1
            continue
        for row in result if isinstance(result, list) else [result]:
            rows.append(row)
        print(f"[{name}] done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    header = ["figure", "goal", "baseline", "measured", "unit", "ratio"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(fmt(row.get(k, "")) for k in header) + " |")
    table = "\n".join(lines)
    text = f"Machine: {machine()}\n\n{table}\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
