"""A clerk who never stops: sells in a loop through the real service, for the crash suites.

    python -m tests.faults.seller CONFIG [COUNT] [--seed N]

Opens the shop once (creating the ledger, its key and a clerk on a fresh database), then
sells COUNT top-ups (0: until killed) with `Shop.sell(..., print_now=True)`. Each ticket is
written to stdout and flushed the moment `sell()` returns: that line is the sale the clerk
was told about. `#`-lines are progress markers, not tickets. A ledger fault ends the loop
with its message on stderr and exit 3; a traceback would be a bug.
"""

from __future__ import annotations

import argparse
import random
import sys

PHONES = ("987654321", "912345678", "999888777", "956123456", "945678123")
DOCS = ("dni:12345678", "dni:45678912", "ce:001234567", "passport:AB123456")


def _line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seller")
    parser.add_argument("config")
    parser.add_argument("count", type=int, nargs="?", default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from tests.wallclock import follow

    follow()

    from pos.config import load_settings
    from pos.domain.errors import ValidationError
    from pos.ledger.errors import LedgerError
    from pos.services import AuthError, Shop

    rng = random.Random(args.seed)
    _line("# opening")
    try:
        shop = Shop.open(load_settings(args.config))
        if not shop.has_clerks():
            try:
                shop.add_clerk("Juan", "manager", "5678")  # the first clerk is a manager
            except (ValidationError, AuthError):  # another seller added him first
                pass
        clerk = shop.login("Juan", "5678")
        if shop.current_shift() is None:  # sales need an open shift
            from decimal import Decimal

            try:
                shop.open_shift(clerk, Decimal("0"), print_now=False)
            except ValidationError:  # another seller opened it first
                pass
        _line("# ready")
        operators = list(shop.operators)
        sold = 0
        while args.count == 0 or sold < args.count:
            method = rng.choice(("cash", "cash", "card", "yape", "plin"))
            amount = rng.choice(("5", "10", "20", "30", "50", "7.50", "12.30"))
            draft = shop.build_draft(
                operator=rng.choice(operators), phone=rng.choice(PHONES), amount=amount,
                method=method, id_spec=rng.choice(DOCS),
                tendered=rng.choice((None, "50", "100")) if method == "cash" else None,
                card_spec=f"visa:{rng.randint(0, 9999):04d}:A{rng.randint(1000, 99999)}"
                if method == "card" else None,
                op_number=str(rng.randint(10**5, 10**9)) if method in ("yape", "plin") else None,
            )
            result = shop.sell(clerk, draft, print_now=True)
            _line(result.ticket)  # reported: the clerk now hands over the receipt
            sold += 1
    except LedgerError as exc:
        sys.stderr.write(f"ledger error: {exc}\n")
        sys.stderr.flush()
        return 3
    shop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
