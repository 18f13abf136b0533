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


# A command is a short process that imports ~1M objects which live until it exits (SQLAlchemy,
# pydantic, our modules): collected every 700 allocations (Python's default), they are walked
# again and again while they load, ~35 ms of a `pos sell`. A larger young generation still
# collects cycles in a long command (an export, a verify of a large ledger), in fewer steps;
# the older generations keep their default thresholds.
COMMAND_GC_YOUNG = 50_000


def _command_gc() -> None:
    gc.set_threshold(COMMAND_GC_YOUNG, *gc.get_threshold()[1:])


def main() -> None:
    # Everything this process creates (ledger, key, exports, printer file, logs) is
    # owner-only: the ledger holds customers' phones and masked IDs.
    os.umask(0o077)
    is_app, config = app_config_arg(sys.argv[1:])
    if not is_app or os.environ.get(COMPLETE_VAR):
        _command_gc()
        try:
            from pos.cli import main as cli

            cli(prog_name="pos", complete_var=COMPLETE_VAR)
        finally:
            # Done: what is left lives until exit. Frozen, it is not traversed again by the
            # collections of the interpreter's shutdown (~50 ms of every command; refcounting
            # still frees it, and files and the ledger are closed by then: cli._shop).
            gc.freeze()
        return
    from pos.tui.app import run_app

    sys.exit(run_app(config_path=config))


if __name__ == "__main__":
    main()
