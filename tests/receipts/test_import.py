from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging, sys
import receipts
assert not [m for m in sys.modules if m == "escpos" or m.startswith("escpos.")], "escpos imported"
assert "barcode" not in sys.modules and "PIL" not in sys.modules
receipts.render(receipts.Receipt(header=("Tienda",), title="T", barcode="R001-00000001"))
assert "escpos.printer" in sys.modules
assert logging.getLogger().handlers == [], logging.getLogger().handlers
print("ok")
"""


def test_import_is_light_and_render_leaves_logging_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
    assert result.stderr == ""
