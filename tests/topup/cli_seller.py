"""`pos` in a helper process that follows the test's wall clock (tests/wallclock.py).

    python -m tests.topup.cli_seller --config CONFIG sell ...
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from tests.wallclock import follow

    follow()
    from pos.cli import main

    sys.exit(main(sys.argv[1:]))
