"""The `pos` console script: the terminal app straight away, or the command line.

`pos` and `pos --config FILE` go to the app without importing click or pydantic first, so
the login screen is drawn as soon as Textual can; everything else goes to `pos.cli`,
including shell completion (`_POS_COMPLETE=bash_source pos` has no arguments, but must print
the completion script, never start the app).
"""

from __future__ import annotations

import gc
import os
import sys

COMPLETE_VAR = "_POS_COMPLETE"


def app_config_arg(args: list[str]) -> tuple[bool, str | None]:
    """(True, config path or None) when the arguments ask for the app and nothing else."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--config":
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--config="):
        return True, args[0].split("=", 1)[1]
    return False, None


def main() -> None:
    # Everything this process creates (ledger, key, exports, printer file, logs) is
    # owner-only: the ledger holds customers' phones and masked IDs.
    os.umask(0o077)
    is_app, config = app_config_arg(sys.argv[1:])
    if not is_app or os.environ.get(COMPLETE_VAR):
        # A command is a short process whose start-up leaves ~120,000 objects the collector
        # tracks (SQLAlchemy, pydantic, ours), all living until it exits: the collector would
        # walk them again and again while they load and once more at shutdown, ~150 ms of a
        # `pos sell` (most of it in SQLAlchemy's share: bench/bench_cli.py compares with a
        # baseline treated alike). It is off until the config is loaded (pos.cli.collector_on
        # freezes what start-up made and turns it back on), and what is left at the end is
        # frozen: refcounting still frees it, but shutdown does not walk it.
        gc.disable()
        try:
            from pos.cli import main as cli

            cli(prog_name="pos", complete_var=COMPLETE_VAR)
        finally:
            gc.freeze()
        return
    from pos.tui.app import run_app

    sys.exit(run_app(config_path=config))


if __name__ == "__main__":
    main()
