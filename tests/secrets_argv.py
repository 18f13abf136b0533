"""Test shorthand: `--pin`/`--id` written in a test's argv become what a script really does.

Since PINs and customer IDs never go on the command line (`ps` shows it), `pos` reads them
from the environment. Tests written as `pos clerk add Juan --pin 5678` or
`pos close-day --clerk Rosa --pin 1234` go through `to_env()`: the PIN moves to the right
variable (POS_NEW_PIN for a new clerk, POS_MANAGER_PIN for a manager's act, POS_PIN for a
clerk's), `--clerk` becomes `--manager` on manager commands, and a second clerk is added by
the first manager (`--manager Rosa`, PIN 1234), as the real rules require.
"""

from __future__ import annotations

MANAGER_COMMANDS = {("close-day",), ("report", "z"), ("void",), ("export",),
                    ("ledger", "accept"), ("clock", "confirm"), ("clerk", "deactivate"),
                    ("float", "restock")}
FIRST_MANAGER = ("Rosa", "1234")


def to_env(args: list[str] | tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    argv, env = list(args), {}
    words = [a for i, a in enumerate(argv)
             if not a.startswith("-") and (i == 0 or argv[i - 1] != "--config")][:2]
    manager_act = tuple(words[:1]) in MANAGER_COMMANDS or tuple(words) in MANAGER_COMMANDS
    adding = tuple(words) == ("clerk", "add")
    if "--id" in argv:
        i = argv.index("--id")
        env["POS_CUSTOMER_ID"] = argv[i + 1]
        del argv[i:i + 2]
    if "--pin" in argv:
        i = argv.index("--pin")
        pin = argv[i + 1]
        del argv[i:i + 2]
        if adding:
            env["POS_NEW_PIN"] = pin
            if "--role" not in argv or argv[argv.index("--role") + 1] != "manager":
                argv += ["--manager", FIRST_MANAGER[0]]
                env["POS_MANAGER_PIN"] = FIRST_MANAGER[1]
        elif manager_act:
            env["POS_MANAGER_PIN"] = pin
            if "--clerk" in argv:
                argv[argv.index("--clerk")] = "--manager"
        else:
            env["POS_PIN"] = pin
    return argv, env
