"""Command line: `pos` starts the terminal app; subcommands script the same services.

Thin on purpose: parse arguments, call `pos.services`, print. Errors become a message and an
exit code in exactly one place (`PosGroup.invoke`); a clerk never sees a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

import click

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2


def _fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _handle(exc: BaseException) -> NoReturn:
    """The one place that turns our exceptions into a message and an exit code."""
    from pos.config import ConfigError
    from pos.domain.errors import ValidationError
    from pos.i18n import _, field_label
    from pos.ledger.errors import ChainBroken, LedgerError
    from receipts import DecodeError

    if isinstance(exc, ConfigError):
        _fail(_("Configuration error: {error}", error=str(exc)), EXIT_BAD_INPUT)
    if isinstance(exc, ValidationError):
        _fail(f"{field_label(exc.field)}: {exc.message}", EXIT_BAD_INPUT)
    if isinstance(exc, ChainBroken):
        _fail(_("Ledger check FAILED at {ticket}: {reason}", ticket=exc.ticket,
                reason=exc.reason), EXIT_FAIL)
    if isinstance(exc, DecodeError):
        _fail(_("Not a receipt file: {error}", error=str(exc)), EXIT_BAD_INPUT)
    from pos.services import AuthError

    if isinstance(exc, AuthError):
        _fail(str(exc), EXIT_BAD_INPUT)
    if isinstance(exc, LedgerError):
        _fail(str(exc), EXIT_FAIL)
    log = _crash_log(exc)
    _fail(_("Unexpected error ({kind}); details were written to {log}.",
            kind=type(exc).__name__, log=log), EXIT_FAIL)


def _crash_log(exc: BaseException) -> str:
    import traceback

    from pos.locations import user_data_dir

    try:
        folder = user_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
        return str(path)
    except OSError:
        return "stderr"


class PosGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("", 130)
        except BrokenPipeError:  # `pos history | head`: the reader left; not an error
            sys.stderr.close()
            sys.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - the single error boundary of the CLI
            _handle(exc)


def _settings(ctx: click.Context):  # noqa: ANN202
    from pos.config import load_settings
    from pos.i18n import set_locale

    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings(obj.get("config"))
        set_locale(obj["settings"].shop.locale)
    return obj["settings"]


def _shop(ctx: click.Context):  # noqa: ANN202
    from pos.services import Shop

    obj = ctx.ensure_object(dict)
    if "shop" not in obj:
        obj["shop"] = Shop.open(_settings(ctx))
        ctx.call_on_close(obj["shop"].close)
    return obj["shop"]


@click.group(cls=PosGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
              help="config.toml to use (else $POS_CONFIG, ./config.toml, the user config dir).")
@click.version_option(package_name="recarga-pos")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Recarga POS: mobile top-ups for bodegas. Without a command, starts the terminal app."""
    ctx.ensure_object(dict)["config"] = config
    if ctx.invoked_subcommand is None:
        settings = _settings(ctx)
        from pos.tui.app import run_app

        sys.exit(run_app(settings))


@main.group()
def clerk() -> None:
    """Clerks and managers."""


@clerk.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["clerk", "manager"]), default="clerk", show_default=True)
@click.option("--pin", default=None, help="PIN (4–8 digits); prompted when omitted.")
@click.pass_context
def clerk_add(ctx: click.Context, name: str, role: str, pin: str | None) -> None:
    """Register a clerk or manager."""
    if pin is None:
        if not sys.stdin.isatty():
            _fail("pin: --pin is required when no terminal is attached.", EXIT_BAD_INPUT)
        pin = click.prompt("PIN", hide_input=True, confirmation_prompt=True)
    view = _shop(ctx).add_clerk(name, role, pin or "")
    click.echo(f"{view.name} ({view.role})")


@clerk.command("list")
@click.pass_context
def clerk_list(ctx: click.Context) -> None:
    """List active clerks."""
    for view in _shop(ctx).clerks():
        click.echo(f"{view.name}\t{view.role}")


def _login(ctx: click.Context, name: str, pin: str, manager: bool = False):  # noqa: ANN202
    return _shop(ctx).login(name, pin, manager=manager)


@main.command()
@click.option("--clerk", "clerk_name", required=True)
@click.option("--pin", required=True)
@click.option("--operator", required=True, help="claro, movistar, entel, bitel (or its key).")
@click.option("--phone", required=True, help="9 digits starting with 9.")
@click.option("--amount", required=True, help="Soles, e.g. 20 or 20.50.")
@click.option("--id", "id_spec", default=None, help="dni:12345678, ce:NUMBER, passport:NUMBER.")
@click.option("--pay", "method", required=True, help="cash, card, yape or plin.")
@click.option("--tendered", default=None, help="Cash received (cash; default: exact amount).")
@click.option("--card", "card_spec", default=None, help="BRAND:LAST4:AUTH, e.g. visa:4242:A1B2C3.")
@click.option("--op-number", default=None, help="Yape/Plin operation number.")
@click.option("--request-id", default=None, help="Idempotency key: the same key never sells twice.")
@click.option("--code", default=None,
              help="Manual top-up: the operator's confirmation code (else it stays pending).")
@click.pass_context
def sell(ctx: click.Context, clerk_name: str, pin: str, operator: str, phone: str, amount: str,
         id_spec: str | None, method: str, tendered: str | None, card_spec: str | None,
         op_number: str | None, request_id: str | None, code: str | None) -> None:
    """Sell a top-up. Prints the ticket number first, then the change."""
    from dataclasses import replace

    from pos.domain.money import format_money
    from pos.i18n import _

    shop = _shop(ctx)
    draft = shop.build_draft(operator=operator, phone=phone, amount=amount, method=method,
                             id_spec=id_spec, tendered=tendered, card_spec=card_spec,
                             op_number=op_number)
    who = _login(ctx, clerk_name, pin)
    # issue 13: with --code a manual top-up is confirmed before its receipt prints
    if code is not None:
        from pos.topup.service import check_code

        check_code(code)  # a bad code stores nothing
    result = shop.sell(who, draft, request_id=request_id, print_now=code is None)
    topup = result.topup
    if code is not None:
        from pos.topup.service import desk

        if topup is not None and topup.status.state == "pending" and not result.duplicate:
            topup = desk(shop).resolve(result.ticket, who, code=code)
        if not result.duplicate:
            result = replace(result, print_outcome=shop.print_job(result.job_id))
    click.echo(result.ticket)
    click.echo(_("Change: {change}", change=format_money(result.change)))
    _echo_topup(topup)
    outcome = result.print_outcome
    if outcome is not None and not outcome.printed:
        click.echo(_("Receipt NOT printed ({error}); it waits in the print queue: "
                     "pos reprint {ticket}", error=outcome.error, ticket=result.ticket), err=True)


@main.command()
@click.argument("ticket")
@click.option("--reason", required=True)
@click.option("--clerk", "clerk_name", required=True, help="The authorising manager.")
@click.option("--pin", required=True)
@click.option("--airtime", type=click.Choice(["reversed", "not_reversed"]), default=None,
              help="Delivered top-up: did the operator reverse the airtime? (issue 13)")
@click.pass_context
def void(ctx: click.Context, ticket: str, reason: str, clerk_name: str, pin: str,
         airtime: str | None) -> None:
    """Void a sale with a reversing entry (manager only)."""
    from pos.services import normalise_ticket

    ticket = normalise_ticket(ticket)
    manager = _login(ctx, clerk_name, pin, manager=True)
    result = _shop(ctx).void(ticket, reason, manager, airtime=airtime)
    click.echo(result.ticket)


def _parse_date(value: str | None) -> date | None:
    from pos.domain.errors import ValidationError
    from pos.i18n import N_

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("date", N_("'{value}' is not a date: use YYYY-MM-DD."),
                              value=value[:20]) from None


@main.command()
@click.option("--date", "day", default=None, help="Business date YYYY-MM-DD.")
@click.option("--phone", default=None)
@click.option("--ticket", default=None)
@click.option("--id", "id_spec", default=None, help="dni:12345678 …")
@click.pass_context
def history(ctx: click.Context, day: str | None, phone: str | None, ticket: str | None,
            id_spec: str | None) -> None:
    """Sales and voids, newest first (tab-separated)."""
    from pos.domain.identity import parse_id_spec
    from pos.domain.money import format_money
    from pos.domain.phone import group_phone, parse_phone
    from pos.i18n import _
    from pos.receipt_layout import local_time
    from pos.services import normalise_ticket

    when = _parse_date(day)
    # An empty filter is a mistake, not "no filter": check every given value.
    document = parse_id_spec(id_spec) if id_spec is not None else None
    if phone is not None:
        parse_phone(phone)
    if ticket is not None:
        normalise_ticket(ticket)
    shop = _shop(ctx)
    for row in shop.history(day=when, phone=phone, ticket=ticket, document=document):
        e = row.entry
        status = _("voided by {ticket}", ticket=row.voided_by) if row.voided_by else (
            _("voids {ticket}", ticket=e.ref_ticket) if e.kind == "void" else "")
        click.echo("\t".join([
            e.ticket, local_time(e, shop.tz).strftime("%Y-%m-%d %H:%M:%S"), e.kind, e.clerk,
            e.operator or "", group_phone(e.phone or ""), format_money(e.amount_cents),
            e.method or "", status,
        ]).rstrip())


@main.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check every journal and event chain. Exit 1 naming the first broken ticket."""
    from pos.i18n import _

    shop = _shop(ctx)
    with _progress(_("Verifying")) as tick:
        result = shop.verify(progress=tick)
    click.echo(_("OK: {entries} entries and {events} events verified.",
                 entries=result.entries, events=result.events))
    for series, head in sorted(result.heads.items()):
        click.echo(f"{series}\t{head[:16]}")


class _progress:
    """A Rich progress line on stderr for long walks (silent when stderr is not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TextColumn("{task.completed}"),
                                      console=Console(stderr=True), transient=True)
            self._progress.start()
            task = self._progress.add_task(self.label, total=None)
            return lambda n: self._progress.update(task, completed=n)
        return lambda n: None

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@main.command()
@click.argument("ticket")
@click.pass_context
def reprint(ctx: click.Context, ticket: str) -> None:
    """Print a copy of a receipt (marked COPY)."""
    from pos.i18n import _

    outcome = _shop(ctx).reprint(ticket)
    if not outcome.printed:
        _fail(_("Receipt NOT printed ({error}); it waits in the print queue.",
                error=outcome.error), EXIT_FAIL)
    click.echo(outcome.ticket)


@main.command("print-queue")
@click.option("--retry", is_flag=True, help="Try to print every waiting receipt again.")
@click.option("--all", "show_all", is_flag=True, help="Also list printed receipts.")
@click.pass_context
def print_queue(ctx: click.Context, retry: bool, show_all: bool) -> None:
    """List receipts waiting to print; --retry prints them."""
    from pos.i18n import _

    shop = _shop(ctx)
    if retry:
        outcomes = shop.retry_print_queue()
        failed = [o for o in outcomes if not o.printed]
        for o in outcomes:
            state = _("printed") if o.printed else _("failed: {error}", error=o.error or "")
            click.echo(f"{o.ticket}\t{state}")
        if failed:
            sys.exit(EXIT_FAIL)
        return
    jobs = shop.print_queue(pending_only=not show_all)
    if not jobs:
        click.echo(_("The print queue is empty."))
    for job in jobs:
        click.echo(f"{job.id}\t{job.ticket}\t{job.kind}\t{job.status}\t{job.attempts}\t"
                   f"{job.last_error or ''}".rstrip())


@main.command("receipt-text")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def receipt_text(file: str) -> None:
    """Decode an ESC/POS byte file, such as the file printer's output, to plain text."""
    from pathlib import Path

    from receipts import decode

    for number, receipt in enumerate(decode(Path(file).read_bytes()), 1):
        if number > 1:
            click.echo("-" * 48)
        click.echo(receipt.text)
        for value in receipt.barcodes:
            click.echo(f"[barcode {value}]")


# ===================================================================== day close (#5)
# Shifts, X/Z reports, the shop-wide report and the export. Services in pos/dayclose.py.


def _amount(value: str, field: str):  # noqa: ANN202 - Decimal
    from pos.domain.money import parse_amount

    return parse_amount(value, field)


def _echo_report(shop: Any, report: Any) -> None:
    for line in shop.report_lines(report):
        click.echo(line)
    _warn_unprinted(report.print_outcome)


def _warn_unprinted(outcome: Any) -> None:
    """A slip the printer did not take waits in the queue: say so on stderr."""
    from pos.i18n import _

    if outcome is not None and not outcome.printed:
        click.echo(_("Report NOT printed ({error}); it waits in the print queue.",
                     error=outcome.error), err=True)


@main.group()
def shift() -> None:
    """Open and close a cash shift."""


@shift.command("open")
@click.option("--clerk", "clerk_name", required=True)
@click.option("--pin", required=True)
@click.option("--float", "float_amount", required=True, help="Starting cash in the drawer.")
@click.pass_context
def shift_open(ctx: click.Context, clerk_name: str, pin: str, float_amount: str) -> None:
    """Open a shift with its starting cash (float)."""
    from pos.domain.money import format_money

    amount = _amount(float_amount, "float")
    who = _login(ctx, clerk_name, pin)
    view = _shop(ctx).open_shift(who, amount)
    click.echo(f"{view.ticket}\t{view.clerk}\t{format_money(view.float_amount)}")


@shift.command("close")
@click.option("--clerk", "clerk_name", required=True)
@click.option("--pin", required=True)
@click.option("--counted", required=True, help="Cash counted in the drawer.")
@click.pass_context
def shift_close(ctx: click.Context, clerk_name: str, pin: str, counted: str) -> None:
    """Close the open shift with the counted cash; prints expected vs counted."""
    from pos.domain.money import format_money
    from pos.i18n import _

    amount = _amount(counted, "counted")
    who = _login(ctx, clerk_name, pin)
    result = _shop(ctx).close_shift(who, amount)
    click.echo(result.entry.ticket)
    for label, value in ((_("Expected cash"), result.expected), (_("Counted cash"), result.counted),
                         (_("Difference"), result.difference)):
        click.echo(f"{label}\t{format_money(value)}")
    _warn_unprinted(result.print_outcome)


@main.group()
def report() -> None:
    """X report (changes nothing), Z report (closes the day), shop-wide report."""


@report.command("x")
@click.option("--date", "day", default=None, help="Business date YYYY-MM-DD (default: today).")
@click.option("--no-print", is_flag=True, help="Only show it here.")
@click.pass_context
def report_x(ctx: click.Context, day: str | None, no_print: bool) -> None:
    """This terminal's day so far; prints it and shows it here."""
    shop = _shop(ctx)
    _echo_report(shop, shop.report_x(_parse_date(day), print_now=not no_print))


def _close_day(ctx: click.Context, clerk_name: str, pin: str, counted: str | None) -> None:
    amount = _amount(counted, "counted") if counted is not None else None
    manager = _login(ctx, clerk_name, pin, manager=True)
    shop = _shop(ctx)
    _echo_report(shop, shop.close_day(manager, amount))


@report.command("z")
@click.option("--clerk", "clerk_name", required=True, help="The closing manager.")
@click.option("--pin", required=True)
@click.option("--counted", default=None, help="Cash counted in the drawer.")
@click.pass_context
def report_z(ctx: click.Context, clerk_name: str, pin: str, counted: str | None) -> None:
    """Close this terminal's business day (Z); same as close-day."""
    _close_day(ctx, clerk_name, pin, counted)


@report.command("shop")
@click.option("--date", "day", required=True, help="Business date YYYY-MM-DD.")
@click.pass_context
def report_shop(ctx: click.Context, day: str) -> None:
    """One day across every terminal sharing the ledger (changes nothing)."""
    shop = _shop(ctx)
    when = _parse_date(day)
    assert when is not None
    _echo_report(shop, shop.shop_report(when))


@main.command("close-day")
@click.option("--clerk", "clerk_name", required=True, help="The closing manager.")
@click.option("--pin", required=True)
@click.option("--counted", required=True, help="Cash counted in the drawer.")
@click.pass_context
def close_day(ctx: click.Context, clerk_name: str, pin: str, counted: str) -> None:
    """Close this terminal's business day: the Z report, printed and shown here."""
    _close_day(ctx, clerk_name, pin, counted)


@main.command("export")
@click.option("--date", "day", required=True, help="First business date YYYY-MM-DD.")
@click.option("--to", "to_day", default=None, help="Last business date (default: --date).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False),
              help="File to write (replaced only once complete).")
@click.pass_context
def export(ctx: click.Context, day: str, to_day: str | None, fmt: str, output: str) -> None:
    """One row per journal entry, for the accountant (CSV for Spanish spreadsheets, JSON, XLSX)."""
    from pathlib import Path

    from pos.i18n import _

    start = _parse_date(day)
    end = _parse_date(to_day) if to_day else start
    assert start is not None and end is not None
    shop = _shop(ctx)
    with _progress(_("Exporting")) as tick:
        count = shop.export(start, end, fmt, Path(output), progress=tick)
    click.echo(_("{count} entries written to {path}.", count=count, path=output))


# ================================================================= end of day close (#5)


# ================================================================= top-up and float (#13)


def _echo_topup(outcome: Any) -> None:
    """A sale's or resolve's top-up state, for the clerk (warnings on stderr)."""
    from pos.i18n import _
    from pos.topup.service import STATE_LABELS

    if outcome is None:
        return
    status = outcome.status
    click.echo(_("Top-up: {state}", state=_(STATE_LABELS[status.state]))
               + (f" {status.operator_txn}" if status.operator_txn else ""))
    if status.refund_ticket:
        click.echo(_("Refund {ticket}: {reason}", ticket=status.refund_ticket,
                     reason=status.reason or ""), err=True)
    if outcome.warning:
        click.echo(outcome.warning, err=True)


@main.group()
def topup() -> None:
    """Top-ups through the distributor: pending ones, resolve, reconcile."""


@topup.command("pending")
@click.pass_context
def topup_pending(ctx: click.Context) -> None:
    """Top-ups without a final outcome, oldest first, with their age."""
    from pos.domain.money import format_money
    from pos.topup.service import desk

    shop = _shop(ctx)
    now = shop.clock()
    for status in desk(shop).pending():
        minutes = int(status.age(now).total_seconds() // 60)
        click.echo(f"{status.ticket}  {status.gateway:6}  {status.operator:8}  {status.phone}  "
                   f"{format_money(status.amount):>10}  {minutes} min")


@topup.command("resolve")
@click.argument("ticket")
@click.option("--code", default=None, help="The operator's confirmation code.")
@click.option("--failed", is_flag=True, help="It did not arrive: refund the customer.")
@click.option("--clerk", "clerk_name", required=True)
@click.option("--pin", required=True)
@click.pass_context
def topup_resolve(ctx: click.Context, ticket: str, code: str | None, failed: bool,
                  clerk_name: str, pin: str) -> None:
    """Confirm a pending top-up with the operator's code, or mark it failed (--failed)."""
    from pos.topup.service import desk

    who = _login(ctx, clerk_name, pin)
    _echo_topup(desk(_shop(ctx)).resolve(ticket, who, code=code, failed=failed))


@topup.command("reconcile")
@click.pass_context
def topup_reconcile(ctx: click.Context) -> None:
    """Ask the distributor about every pending top-up, by reference (never sends again)."""
    from pos.i18n import _
    from pos.topup.service import desk

    shop = _shop(ctx)
    outcomes = desk(shop).reconcile()
    for outcome in outcomes:
        click.echo(outcome.status.ticket)
        _echo_topup(outcome)
    click.echo(_("{count} still pending.", count=len(desk(shop).pending())))


@topup.command("report")
@click.option("--date", "day", default=None, help="Business date YYYY-MM-DD (default: today).")
@click.option("--shop", "shop_wide", is_flag=True, help="Every terminal sharing the ledger.")
@click.pass_context
def topup_report(ctx: click.Context, day: str | None, shop_wide: bool) -> None:
    """Per operator: sold, cost, commission earned, float left."""
    from pos.report_layout import receipt_lines
    from pos.topup.floats import figures_section
    from pos.topup.service import desk

    shop = _shop(ctx)
    when = _parse_date(day) or shop.today()
    figures = desk(shop).day_figures(when, series=None if shop_wide else shop.series)
    from receipts import Receipt

    slip = Receipt(header=(), title=when.isoformat(),
                   sections=(figures_section(figures, shop.settings),))
    for line in receipt_lines(slip):
        click.echo(line)


@main.group("float")
def float_group() -> None:
    """Float (saldo) with each distributor account."""


@float_group.command("restock")
@click.option("--account", default="main", show_default=True)
@click.option("--amount", required=True, help="Money put into the distributor account.")
@click.option("--rate", required=True, help="Commission (discount) rate, percent, e.g. 4.")
@click.option("--reported", default=None, help="The balance the distributor now shows.")
@click.option("--clerk", "clerk_name", required=True, help="The manager.")
@click.option("--pin", required=True)
@click.pass_context
def float_restock(ctx: click.Context, account: str, amount: str, rate: str,
                  reported: str | None, clerk_name: str, pin: str) -> None:
    """Record a float purchase (manager only)."""
    from decimal import Decimal, InvalidOperation

    from pos.domain.errors import ValidationError
    from pos.i18n import N_
    from pos.topup.service import restock

    manager = _login(ctx, clerk_name, pin, manager=True)
    try:
        value = Decimal(rate.strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError("rate", N_("The commission rate is a percentage from 0 to "
                                         "99.")) from None
    if not value.is_finite():
        raise ValidationError("rate", N_("The commission rate is a percentage from 0 to 99."))
    entry = restock(_shop(ctx), manager, account, _amount(amount, "amount"), value,
                    reported=_amount(reported, "reported") if reported else None)
    click.echo(entry.ticket)


@float_group.command("show")
@click.option("--live", is_flag=True, help="Also ask the http gateway for its balance now.")
@click.pass_context
def float_show(ctx: click.Context, live: bool) -> None:
    """Float left per account, against what the distributor reported."""
    from pos.domain.money import format_money
    from pos.i18n import _
    from pos.topup.service import desk, floats

    shop = _shop(ctx)
    for view in floats(shop).values():
        reported = view.reported
        if live and shop.settings.topup.gateway == "http":
            reported = desk(shop).gateway("http").balance() or reported
        line = _("{account}: {left} left (bought {bought}, used {used}, rate {rate}%)",
                 account=view.account, left=format_money(view.left),
                 bought=format_money(view.restocked), used=format_money(view.consumed),
                 rate=view.rate)
        if reported is not None:
            line += " · " + _("distributor says {reported} (difference {diff})",
                              reported=format_money(reported),
                              diff=format_money(reported - view.left))
        click.echo(line)
        if view.low:
            click.echo(_("Low float with {account}: {left} left (warning level {level}).",
                         account=view.account, left=format_money(view.left),
                         level=format_money(view.low_level)), err=True)


# ================================================================= end of top-up (#13)


if __name__ == "__main__":  # pragma: no cover
    main()
