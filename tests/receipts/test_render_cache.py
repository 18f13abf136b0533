"""render() caches what every receipt of a shop repeats (the header block, the code-page form
of its texts): the bytes must stay exactly the ones rendered without any cache.

- render_golden.json holds the SHA-256 of 810 renders (15 documents: sales, copies, voids,
  long names, odd Unicode, no barcode, a bad barcode, lines that are not text; 18 profile/width pairs with font A and
  font B, image and text barcodes; drawer kick and cut on/off), written by the renderer before
  it had these caches. Every render here, warm, in shuffled order, matches it.
- A fresh process that empties every cache of the package before each render gives the same
  bytes as this process with its caches warm.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import receipts.barcode
import receipts.layout
from receipts import Receipt, Row, Section, render
from tests.receipts.render_cases import cases, outcome, outcomes

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
RENDER = sys.modules["receipts.render"]  # the module (receipts.render is also the function)


def _clear_caches() -> None:
    for module in (RENDER, receipts.layout, receipts.barcode):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def test_warm_renders_match_the_bytes_rendered_before_the_caches() -> None:
    golden = json.loads((HERE / "render_golden.json").read_text(encoding="utf-8"))
    all_cases = list(cases())
    assert len(all_cases) == len(golden) == 810
    order = all_cases * 2  # every case twice: the second time from warm caches
    random.Random(12).shuffle(order)
    for name, doc, options in order:
        assert outcome(doc, options) == golden[name], name


def test_renders_match_a_fresh_process_without_caches() -> None:
    script = (
        "import json, sys\n"
        "from tests.receipts.test_render_cache import _clear_caches\n"
        "from tests.receipts.render_cases import cases, outcome\n"
        "found = {}\n"
        "for name, doc, options in cases():\n"
        "    _clear_caches()\n"
        "    found[name] = outcome(doc, options)\n"
        "print(json.dumps(found))\n"
    )
    fresh = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                           text=True, check=True, timeout=300)
    assert json.loads(fresh.stdout) == outcomes()


def test_a_changed_header_or_printer_is_laid_out_again() -> None:
    base = Receipt(header=("Bodega Doña Rosa", "RUC 10456789019"), title="RECARGA",
                   sections=(Section((Row("Monto", "S/ 20.00"),)),), footer=("¡Gracias!",))
    other = Receipt(header=("Bodega Don Pepe", "RUC 10456789019"), title="RECARGA",
                    sections=base.sections, footer=base.footer)
    warm = [render(doc, width=width, profile=profile)
            for doc in (base, other) for profile, width in
            (("default", 48), ("default", 32), ("TM-T88V", 56), ("POS-5890", 32))]
    _clear_caches()
    cold = []
    for doc in (base, other):
        for profile, width in (("default", 48), ("default", 32), ("TM-T88V", 56),
                               ("POS-5890", 32)):
            _clear_caches()
            cold.append(render(doc, width=width, profile=profile))
    assert warm == cold
    assert len(set(warm)) == len(warm)  # each header and printer setup gave its own bytes
