"""Command line: `pos` starts the terminal app; subcommands script the same services.

Thin on purpose: parse arguments, call `pos.services`, print. Errors become a message and an
exit code in exactly one place (`PosGroup.invoke`); a clerk never sees a traceback.

Exit codes (the same for every command; tests/test_exit_codes.py runs each one):

    0    done
    1    ledger or printer fault: nothing was done (ledger unreadable, chain broken, disk
         full), or a reprint / print-queue retry did not print
    2    bad input: a field, the config file, a PIN, a ticket that does not exist, a file
         that is not a receipt; nothing was stored
    3    done and kept, but its slip did NOT print (it waits in the print queue:
         `pos reprint TICKET` / `pos print-queue --retry`); never sell again on 3
    130  interrupted (Ctrl+C)
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

import click

from pos.clihelp import TranslatedHelp, peek_locale, route_click_messages
from pos.domain.payment import PAYMENT_METHODS, methods_text
from pos.i18n import ngettext, set_locale

if TYPE_CHECKING:
    from pos.services import ClerkView

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2
EXIT_NOT_PRINTED = 3  # the sale, void or report is kept; its slip waits in the print queue
EXIT_INTERRUPTED = 130


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
        # Owner-only whatever the umask: a traceback can hold customer data.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write("".join(traceback.format_exception(exc)))
        return str(path)
    except OSError:
        return "stderr"


class PosCommand(TranslatedHelp):
    """A `pos` command: its help in the clerk's language."""


class PosGroup(TranslatedHelp, click.Group):
    """`pos` and its command groups: help in the clerk's language, one error boundary."""

    command_class = PosCommand
    group_class = type  # subgroups are PosGroups too

    def main(self, args: Any = None, *pos_args: Any, **kwargs: Any) -> Any:
        # click's own messages (usage errors, --help) in the config's language, before parsing
        route_click_messages()
        locale = peek_locale(sys.argv[1:] if args is None else list(args))
        if locale is not None:
            set_locale(locale)
        return super().main(args, *pos_args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("", EXIT_INTERRUPTED)
        except BrokenPipeError:  # `pos history | head`: the reader left; not an error
            sys.stderr.close()
            sys.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - the single error boundary of the CLI
            _handle(exc)


def collector_on() -> None:
    """Start-up is over (the config is loaded, the ledger's modules imported): turn the cyclic
    garbage collector back on if pos.launch started this command without it. What start-up
    made lives until exit, so it is frozen first: no collection walks it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _settings(ctx: click.Context):  # noqa: ANN202
    from pos.config import load_settings

    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings(obj.get("config"))
        set_locale(obj["settings"].shop.locale)
        collector_on()
    return obj["settings"]


def _shop(ctx: click.Context):  # noqa: ANN202
    from pos.services import Shop

    obj = ctx.ensure_object(dict)
    if "shop" not in obj:
        obj["shop"] = Shop.open(_settings(ctx))
        ctx.call_on_close(obj["shop"].close)
    return obj["shop"]


# ============================================================ PINs and privileged acts (#10)
# No PIN and no customer ID is ever an argument (`ps` shows arguments to every user). A PIN
# comes from, in this order: standard input when the command has --pin-stdin (one PIN a line:
# the manager's first, then the clerk's, then a new PIN), else its environment variable, else
# a hidden prompt on a terminal. A privileged command is one decorator: `@manager_required`.

PIN_ENV = "POS_PIN"  # the PIN of the clerk named by --clerk (or whose PIN is being changed)
MANAGER_PIN_ENV = "POS_MANAGER_PIN"  # the PIN of the manager named by --manager
NEW_PIN_ENV = "POS_NEW_PIN"  # a PIN being set: clerk add, clerk set-pin
CUSTOMER_ID_ENV = "POS_CUSTOMER_ID"  # the customer's ID document, e.g. dni:45678912


def _stdin_line(field: str) -> str:
    """The next line of standard input: --pin-stdin and --id-stdin read one secret a line."""
    from pos.domain.errors import ValidationError
    from pos.i18n import N_

    line = sys.stdin.readline()  # click.get_text_stream would buffer past this line
    if not line:
        raise ValidationError(field, N_("Standard input ended before this value."))
    return line.rstrip("\r\n")


def _secret(ctx: click.Context, env: str, prompt: str, *, confirm: bool = False) -> str:
    """A PIN from standard input (--pin-stdin), else `env`, else a hidden terminal prompt."""
    from pos.domain.errors import ValidationError
    from pos.i18n import N_

    if ctx.ensure_object(dict).get("pin_stdin"):
        return _stdin_line("pin")
    value = os.environ.pop(env, None)  # not handed on to anything this process starts
    if value is not None:
        return value
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm, err=True))
    raise ValidationError("pin", N_("No PIN given: set {env}, use --pin-stdin, or run it on a "
                                    "terminal to be asked."), env=env)


def _remember_pin_stdin(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["pin_stdin"] = True


def _with_pin_stdin(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add --pin-stdin once, however many PINs the command takes."""
    if any(p.name == "pin_stdin" for p in getattr(f, "__click_params__", [])):
        return f
    return click.option("--pin-stdin", "pin_stdin", is_flag=True, expose_value=False,
                        callback=_remember_pin_stdin,
                        help="Read PINs from standard input, one a line (the manager's first, "
                             "then the clerk's, then a new PIN).")(f)


def _act(ctx: click.Context) -> str:
    """The command as typed, e.g. `report z`, for the event log."""
    names: list[str] = []
    current: click.Context | None = ctx
    while current is not None:
        names.append(current.info_name or "")
        current = current.parent
    names.reverse()
    return " ".join(names[1:] if len(names) > 1 else names)  # without the program's name


def manager_required(f: Callable[..., Any] | None = None, *, optional: bool = False) -> Any:
    """A privileged command: adds `--manager NAME` and passes `manager` (a ClerkView) to the
    command, authorised with that manager's PIN ($POS_MANAGER_PIN, --pin-stdin or a prompt)
    and throttled like every PIN. `optional=True` passes None when --manager is not given
    (the service then decides: only the first manager of an empty ledger).
    Put it below the options and above `@click.pass_context`."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, manager_name: str | None, **kwargs: Any) -> Any:
            from pos.i18n import _

            ctx = click.get_current_context()
            manager = None
            if manager_name is not None:
                pin = _secret(ctx, MANAGER_PIN_ENV, _("PIN of manager {name}", name=manager_name))
                manager = _shop(ctx).authorise(manager_name, pin, manager=True, act=_act(ctx))
            return f(*args, manager=manager, **kwargs)

        wrapper = click.option("--manager", "manager_name", required=not optional,
                               metavar="NAME", help="The manager authorising this (PIN from "
                               f"${MANAGER_PIN_ENV}, --pin-stdin or a prompt).")(wrapper)
        return _with_pin_stdin(wrapper)

    return decorate(f) if f is not None else decorate


def clerk_required(f: Callable[..., Any]) -> Callable[..., Any]:
    """A command done by a logged-in clerk: adds `--clerk NAME` and passes `clerk` (a
    ClerkView) checked against the clerk's PIN ($POS_PIN, --pin-stdin or a prompt).
    Below `@manager_required` when a command takes both (the manager's PIN is read first)."""

    @functools.wraps(f)
    def wrapper(*args: Any, clerk_name: str, **kwargs: Any) -> Any:
        from pos.i18n import _

        ctx = click.get_current_context()
        pin = _secret(ctx, PIN_ENV, _("PIN of {name}", name=clerk_name))
        return f(*args, clerk=_shop(ctx).authorise(clerk_name, pin), **kwargs)

    wrapper = click.option("--clerk", "clerk_name", required=True, metavar="NAME",
                           help=f"Who is doing it (PIN from ${PIN_ENV}, --pin-stdin or a "
                                "prompt).")(wrapper)
    return _with_pin_stdin(wrapper)


def _new_pin(ctx: click.Context) -> str:
    from pos.i18n import _

    return _secret(ctx, NEW_PIN_ENV, _("New PIN"), confirm=True)


def _customer_id(ctx: click.Context, from_stdin: bool, *, ask: bool) -> str | None:
    """The customer's ID document (dni:NUMBER …) from --id-stdin, else $POS_CUSTOMER_ID,
    else (when `ask`) a prompt on a terminal; None when none was given."""
    from pos.i18n import _

    if from_stdin:
        return _stdin_line("id")
    value = os.environ.pop(CUSTOMER_ID_ENV, None)
    if value is not None:
        return value
    if ask and sys.stdin.isatty():
        return str(click.prompt(_("Customer ID (dni:NUMBER, ce:NUMBER or passport:NUMBER)"),
                                err=True))
    return None


ID_STDIN_HELP = (f"Read the customer's ID document (dni:NUMBER, ce:NUMBER, passport:NUMBER) "
                 f"from standard input (after any PINs); else ${CUSTOMER_ID_ENV}.")

# ===================================================== end of PINs and privileged acts (#10)


@click.group(cls=PosGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
              help="config.toml to use (else $POS_CONFIG, ./config.toml, the user config dir).")
@click.version_option(package_name="recarga-pos", help="Show the version and exit.")
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
@manager_required(optional=True)
@click.pass_context
def clerk_add(ctx: click.Context, name: str, role: str, manager: ClerkView | None) -> None:
    """Register a clerk or manager, authorised by a manager (--manager); only the first manager
    of a new ledger needs none. The new PIN comes from $POS_NEW_PIN, --pin-stdin or a prompt."""
    view = _shop(ctx).add_clerk(name, role, _new_pin(ctx), by=manager)
    click.echo(f"{view.name} ({view.role})")


@clerk.command("deactivate")
@click.argument("name")
@manager_required
@click.pass_context
def clerk_deactivate(ctx: click.Context, name: str, manager: ClerkView) -> None:
    """Retire a clerk: they can no longer log in (their sales keep their name)."""
    from pos.i18n import _

    view = _shop(ctx).deactivate_clerk(manager, name)
    click.echo(_("{name} deactivated.", name=view.name))


@clerk.command("set-pin")
@click.argument("name")
@manager_required(optional=True)
@click.pass_context
def clerk_set_pin(ctx: click.Context, name: str, manager: ClerkView | None) -> None:
    """Change a PIN: a manager's (--manager), or the clerk's own with the old PIN ($POS_PIN).
    The new PIN comes from $POS_NEW_PIN, --pin-stdin or a prompt."""
    from pos.i18n import _

    shop = _shop(ctx)
    if manager is None:
        old = _secret(ctx, PIN_ENV, _("Current PIN of {name}", name=name))
        by = shop.authorise(name, old, act=_act(ctx))
    else:
        by = manager
    view = shop.set_pin(name, _new_pin(ctx), by=by)
    click.echo(_("New PIN set for {name}.", name=view.name))


@clerk.command("list")
@click.pass_context
def clerk_list(ctx: click.Context) -> None:
    """List active clerks."""
    for view in _shop(ctx).clerks():
        click.echo(f"{view.name}\t{view.role}")


@main.command()
@click.option("--operator", required=True, help="claro, movistar, entel, bitel (or its key).")
@click.option("--phone", required=True, help="9 digits starting with 9.")
@click.option("--amount", required=True, help="Soles, e.g. 20 or 20.50.")
@click.option("--id-stdin", is_flag=True, help=ID_STDIN_HELP)
@click.option("--pay", "method", required=True, help=f"{methods_text(list(PAYMENT_METHODS))}.")
@click.option("--tendered", default=None, help="Cash received (cash; default: exact amount).")
@click.option("--card", "card_spec", default=None, help="BRAND:LAST4:AUTH, e.g. visa:4242:A1B2C3.")
@click.option("--op-number", default=None, help="/".join(
    m.name for m in PAYMENT_METHODS.values() if m.wallet) + " operation number.")
@click.option("--request-id", default=None, help="Idempotency key: the same key never sells twice.")
@click.option("--code", default=None,
              help="Manual top-up: the operator's confirmation code (else it stays pending).")
@clerk_required
@click.pass_context
def sell(ctx: click.Context, clerk: ClerkView, operator: str, phone: str, amount: str,
         id_stdin: bool, method: str, tendered: str | None, card_spec: str | None,
         op_number: str | None, request_id: str | None, code: str | None) -> None:
    """Sell a top-up. Prints the ticket number first, then the change."""
    from dataclasses import replace

    from pos.domain.money import format_money
    from pos.i18n import _

    shop = _shop(ctx)
    id_spec = _customer_id(ctx, id_stdin, ask=shop.settings.shop.require_id)
    draft = shop.build_draft(operator=operator, phone=phone, amount=amount, method=method,
                             id_spec=id_spec, tendered=tendered, card_spec=card_spec,
                             op_number=op_number)
    # issue 13: with --code a manual top-up is confirmed before its receipt prints
    if code is not None:
        from pos.topup.service import check_code

        check_code(code)  # a bad code stores nothing
    result = shop.sell(clerk, draft, request_id=request_id, print_now=code is None)
    topup = result.topup
    if code is not None:
        from pos.topup.service import desk

        if topup is not None and topup.status.state == "pending" and not result.duplicate:
            topup = desk(shop).resolve(result.ticket, clerk, code=code)
        if not result.duplicate:
            result = replace(result, print_outcome=shop.print_job(result.job_id))
    click.echo(result.ticket)
    click.echo(_("Change: {change}", change=format_money(result.change)))
    _echo_topup(topup)
    _warn_receipt(result.print_outcome, result.ticket)


def _warn_receipt(outcome: Any, ticket: str) -> None:
    """A receipt the printer did not confirm: say what to do, on stderr, and exit 3 (the
    sale is kept: a script must not sell it again)."""
    from pos.i18n import _

    if outcome is None or outcome.printed:
        return
    if outcome.unconfirmed:
        _fail(_("Receipt NOT confirmed by the printer ({error}). If it did not come out: "
                "pos reprint {ticket}", error=outcome.error, ticket=ticket), EXIT_NOT_PRINTED)
    _fail(_("Receipt NOT printed ({error}); it waits in the print queue: "
            "pos reprint {ticket}", error=outcome.error, ticket=ticket), EXIT_NOT_PRINTED)


@main.command()
@click.argument("ticket")
@click.option("--reason", required=True)
@click.option("--airtime", type=click.Choice(["reversed", "not_reversed"]), default=None,
              help="Delivered top-up: did the operator reverse the airtime? (issue 13)")
@manager_required
@click.pass_context
def void(ctx: click.Context, ticket: str, reason: str, manager: ClerkView,
         airtime: str | None) -> None:
    """Void a sale with a reversing entry (manager only)."""
    from pos.domain.ticket import normalise_ticket

    ticket = normalise_ticket(ticket)
    result = _shop(ctx).void(ticket, reason, manager, airtime=airtime)
    click.echo(result.ticket)
    _warn_unprinted(result.print_outcome)


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
@click.option("--by-id", is_flag=True, help="Only the sales of the customer whose ID document "
              f"is in ${CUSTOMER_ID_ENV} (or read by --id-stdin, or asked on a terminal).")
@click.option("--id-stdin", is_flag=True, help="Read that ID document from standard input.")
@click.pass_context
def history(ctx: click.Context, day: str | None, phone: str | None, ticket: str | None,
            by_id: bool, id_stdin: bool) -> None:
    """Sales and voids, newest first (tab-separated)."""
    from pos.domain.identity import parse_id_spec
    from pos.domain.phone import group_phone, parse_phone
    from pos.domain.ticket import normalise_ticket
    from pos.i18n import _

    when = _parse_date(day)
    # An empty filter is a mistake, not "no filter": check every given value.
    document = None
    if by_id or id_stdin:
        id_spec = _customer_id(ctx, id_stdin, ask=True)
        if id_spec is None:
            from pos.domain.errors import ValidationError
            from pos.i18n import N_

            raise ValidationError("id", N_("No ID document given: set {env} or use "
                                           "--id-stdin."), env=CUSTOMER_ID_ENV)
        document = parse_id_spec(id_spec)
    if phone is not None:
        parse_phone(phone)
    if ticket is not None:
        normalise_ticket(ticket)
    shop = _shop(ctx)
    found = shop.history(day=when, phone=phone, ticket=ticket, document=document)
    if ticket is not None and not found and not shop.history(ticket=ticket, limit=1):
        from pos.domain.errors import ValidationError
        from pos.i18n import N_

        # Like void and reprint: a ticket that does not exist is a mistake, not "no rows".
        raise ValidationError("ticket", N_("Ticket {ticket} does not exist."),
                              ticket=normalise_ticket(ticket))
    for row in found:
        e = row.entry
        status = _("voided by {ticket}", ticket=row.voided_by) if row.voided_by else (
            _("voids {ticket}", ticket=e.ref_ticket) if e.kind == "void" else "")
        click.echo("\t".join([
            e.ticket, e.time_text, e.kind, e.clerk,
            e.operator or "", group_phone(e.phone or ""), e.amount_text,
            e.method or "", status,
        ]).rstrip())


@main.command()
@click.option("--z-code", "z_code", default=None,
              help="The chain code printed on a Z slip: check the ledger against that paper.")
@click.pass_context
def verify(ctx: click.Context, z_code: str | None) -> None:
    """Check every chain and every terminal's witness. Exit 1 naming the first broken ticket."""
    from pos.i18n import _

    shop = _shop(ctx)
    z_entry = shop.find_z(z_code) if z_code is not None else None
    with _progress(_("Verifying")) as tick:
        result = shop.verify(progress=tick)
    click.echo(_("OK: {entries} and {events} verified.",
                 entries=ngettext("{count} entry", "{count} entries", result.entries,
                                  count=result.entries),
                 events=ngettext("{count} event", "{count} events", result.events,
                                 count=result.events)))
    for series, head in sorted(result.heads.items()):
        click.echo(f"{series}\t{head[:16]}")
    if z_entry is not None:
        click.echo(_("The Z {ticket} of {date} has this chain code: the ledger up to it is the "
                     "one printed on that paper.", ticket=z_entry.ticket,
                     date=z_entry.at.strftime("%Y-%m-%d %H:%M")))
    for note in result.notes:
        click.echo(_("Note: {note}", note=note), err=True)
    if result.unchecked:
        for problem in result.unchecked:
            click.echo(_("NOT CHECKED: {problem}", problem=problem), err=True)
        sys.exit(EXIT_FAIL)


@main.command()
@click.option("--output", required=True, type=click.Path(dir_okay=False),
              help="The copy; its key and witness are written beside it (FILE.key, "
                   "FILE.key.SERIES.witness).")
@click.option("--force", is_flag=True, help="Replace an earlier backup of the same name.")
@click.pass_context
def backup(ctx: click.Context, output: str, force: bool) -> None:
    """A consistent copy of the ledger (SQLite online backup) with its key and witness."""
    from pathlib import Path

    from pos.i18n import _

    written = _shop(ctx).backup(Path(output), force=force)
    for path in written:
        click.echo(str(path))
    click.echo(_("Keep the copy away from this machine; the key file in it can sign entries."),
               err=True)


@main.group()
def ledger() -> None:
    """Start a new ledger, or accept the ledger after a rollback (managers)."""


@ledger.command("new")
@click.option("--yes", is_flag=True, required=True,
              help="Required: yes, the ledger is gone and a new one starts at ticket 1.")
@click.pass_context
def ledger_new(ctx: click.Context, yes: bool) -> None:
    """Start a new ledger where the old one is missing; its key and witnesses are kept aside.

    The old ledger's clerks are gone with it, so no PIN can be asked: this needs the owner's
    access to the key folder, and the first manager is created again.
    """
    from pos.i18n import _
    from pos.services import Shop

    shop, retired = Shop.new_ledger(_settings(ctx))
    ctx.call_on_close(shop.close)
    for path in retired:
        click.echo(_("kept as {path}", path=path))
    click.echo(_("A new ledger was started: {url}", url=shop.settings.ledger_url))


@ledger.command("accept")
@click.option("--reason", required=True, help="What the manager checked, for the event log.")
@manager_required
@click.pass_context
def ledger_accept(ctx: click.Context, reason: str, manager: ClerkView) -> None:
    """Accept the ledger as it is after a rollback or a lost witness, so selling resumes.

    The witness keeps every earlier line and gains one saying so; the event log records it.
    """
    from pos.i18n import _

    previous = _shop(ctx).accept_ledger(manager, reason)
    click.echo(_("Accepted. It was: {problem}", problem=previous))


class _progress:
    """A Rich progress line on stderr for long walks (silent when stderr is not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            # The total is not known in advance: the bar pulses while the count goes up.
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      BarColumn(), TextColumn("{task.completed}"),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
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
            if o.printed:
                state = _("printed (copy)") if o.copy else _("printed")
            elif o.unconfirmed:
                state = _("not confirmed: {error}", error=o.error or "")
            else:
                state = _("failed: {error}", error=o.error or "")
            click.echo(f"{o.ticket}\t{state}")
        if failed:
            _fail(ngettext("{count} receipt NOT printed; it waits in the print queue.",
                           "{count} receipts NOT printed; they wait in the print queue.",
                           len(failed), count=len(failed)), EXIT_FAIL)
        return
    jobs = shop.print_queue(pending_only=not show_all)
    if not jobs:
        click.echo(_("The print queue is empty."))
    for job in jobs:
        click.echo(f"{job.id}\t{job.ticket}\t{job.kind}\t{job.status}\t{job.attempts}\t"
                   f"{job.last_error or ''}".rstrip())


@main.group()
def printer() -> None:
    """The receipt printer."""


@printer.command("test")
@click.pass_context
def printer_test(ctx: click.Context) -> None:
    """Print a test page (Spanish characters, width ruler, barcode, cut); show the printer's
    status answer. Exit 1 when the printer did not take or confirm it."""
    from pos.i18n import _

    result = _shop(ctx).printer_test()
    if not result.printed:
        _fail(_("Test page NOT confirmed: {error} ({detail})", error=result.error,
                detail=result.detail), EXIT_FAIL)
    click.echo(_("Test page sent."))
    if result.status:
        click.echo(result.status)


@main.command("receipt-text")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def receipt_text(file: str) -> None:
    """Decode an ESC/POS byte file, such as the file printer's output, to plain text."""
    from pathlib import Path

    from receipts import DecodeError, decode

    collector_on()  # no config to load first; the file may hold a day of receipts
    data = Path(file).read_bytes()
    if data and not data.startswith(b"\x1b@"):
        # Every receipt starts with ESC @; text (README.md) would decode as mojibake.
        raise DecodeError("not ESC/POS printer output (it does not start with ESC @)", 0)
    for number, receipt in enumerate(decode(data), 1):
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
    """A slip the printer did not take waits in the queue: say so on stderr, exit 3."""
    from pos.i18n import _

    if outcome is not None and not outcome.printed:
        _fail(_("Slip NOT printed ({error}); it waits in the print queue (pos print-queue).",
                error=outcome.error), EXIT_NOT_PRINTED)


@main.group()
def shift() -> None:
    """Open and close a cash shift."""


@shift.command("open")
@click.option("--float", "float_amount", required=True, help="Starting cash in the drawer.")
@clerk_required
@click.pass_context
def shift_open(ctx: click.Context, clerk: ClerkView, float_amount: str) -> None:
    """Open a shift with its starting cash (float)."""
    from pos.domain.money import format_money

    amount = _amount(float_amount, "float")
    view = _shop(ctx).open_shift(clerk, amount)
    click.echo(f"{view.ticket}\t{view.clerk}\t{format_money(view.float_amount)}")


def _count(counted: str | None, count_spec: str | None) -> tuple[Any, Any]:
    """--counted TOTAL and/or --count DENOMINATION:PIECES,…"""
    from pos.domain.cash import parse_count

    amount = _amount(counted, "counted") if counted is not None else None
    pieces = parse_count(count_spec) if count_spec is not None else None
    return amount, pieces


def _echo_count(expected: Any, counted: Any) -> None:
    from pos.domain.money import format_money
    from pos.slips import result_row

    from pos.i18n import _

    row = result_row(expected, counted)
    for label, value in ((_("Expected cash"), format_money(expected)),
                         (_("Counted cash"), format_money(counted)), (row.label, row.value)):
        click.echo(f"{label}\t{value}")


COUNT_HELP = "Count by denomination, e.g. 100:1,20:3,0.50:4 (instead of or with --counted)."


@shift.command("close")
@click.option("--counted", default=None, help="Cash counted in the drawer (total).")
@click.option("--count", "count_spec", default=None, help=COUNT_HELP)
@manager_required(optional=True)
@clerk_required
@click.pass_context
def shift_close(ctx: click.Context, clerk: ClerkView, manager: ClerkView | None,
                counted: str | None, count_spec: str | None) -> None:
    """Close the open shift with the drawer count; prints expected vs counted.

    --manager (with its PIN) accepts a difference beyond [cash] tolerance."""
    from pos.domain.errors import ValidationError
    from pos.i18n import N_

    amount, pieces = _count(counted, count_spec)
    if amount is None and pieces is None:
        raise ValidationError("counted", N_("Count the cash in the drawer."))
    result = _shop(ctx).close_shift(clerk, amount, pieces=pieces, manager=manager)
    click.echo(result.entry.ticket)
    _echo_count(result.expected, result.counted)
    _warn_unprinted(result.print_outcome)


@main.group()
def cash() -> None:
    """Cash put into the drawer or taken out of it during a shift."""


@cash.command("out")
@click.option("--amount", required=True, help="Soles taken out.")
@click.option("--reason", required=True, help="What it is for (retiro, compra de bolsas…).")
@manager_required
@clerk_required
@click.pass_context
def cash_out(ctx: click.Context, clerk: ClerkView, manager: ClerkView, amount: str,
             reason: str) -> None:
    """Pay-out: cash leaves the drawer (needs a manager's PIN); prints its slip."""
    value = _amount(amount, "amount")
    _echo_movement(_shop(ctx).pay_out(clerk, value, reason, manager))


@cash.command("in")
@click.option("--amount", required=True, help="Soles put in.")
@click.option("--reason", required=True, help="Where it comes from (sencillo, préstamo…).")
@clerk_required
@click.pass_context
def cash_in(ctx: click.Context, clerk: ClerkView, amount: str, reason: str) -> None:
    """Pay-in: cash put into the drawer; prints its slip."""
    value = _amount(amount, "amount")
    _echo_movement(_shop(ctx).pay_in(clerk, value, reason))


def _echo_movement(moved: Any) -> None:
    from pos.domain.money import format_money

    click.echo(f"{moved.entry.ticket}\t{format_money(moved.amount)}\t{moved.reason}")
    _warn_unprinted(moved.print_outcome)


@main.group()
def clock() -> None:
    """The PC's clock against the ledger."""


@clock.command("status")
@click.pass_context
def clock_status(ctx: click.Context) -> None:
    """Say whether the clock can be trusted for new entries (exit 1 if not)."""
    from pos.i18n import _

    problem = _shop(ctx).clock_problem()
    if problem is not None:
        _fail(str(problem), EXIT_FAIL)
    click.echo(_("The clock agrees with the ledger."))


@clock.command("confirm")
@manager_required
@click.pass_context
def clock_confirm(ctx: click.Context, manager: ClerkView) -> None:
    """A manager confirms that the PC's date and time are right now."""
    from pos.i18n import _

    when = _shop(ctx).confirm_clock(manager)
    click.echo(_("Clock confirmed: {when}", when=when.strftime("%Y-%m-%d %H:%M")))


@main.group()
def report() -> None:
    """X report (changes nothing), Z report (closes the period), shop-wide report."""


@report.command("x")
@click.option("--date", "day", default=None,
              help="A calendar date YYYY-MM-DD (default: the open period, since the last Z).")
@click.option("--no-print", is_flag=True, help="Only show it here.")
@click.pass_context
def report_x(ctx: click.Context, day: str | None, no_print: bool) -> None:
    """This terminal's open period so far (or one date); prints it and shows it here."""
    shop = _shop(ctx)
    _echo_report(shop, shop.report_x(_parse_date(day), print_now=not no_print))


def _close_day(ctx: click.Context, manager: ClerkView, counted: str | None,
               count_spec: str | None) -> None:
    amount, pieces = _count(counted, count_spec)
    shop = _shop(ctx)
    _echo_report(shop, shop.close_day(manager, amount, pieces=pieces))


Z_COUNTED_HELP = "Only with a shift still open: its drawer count, to close it before the Z."


@report.command("z")
@click.option("--counted", default=None, help=Z_COUNTED_HELP)
@click.option("--count", "count_spec", default=None, help=COUNT_HELP)
@manager_required
@click.pass_context
def report_z(ctx: click.Context, manager: ClerkView, counted: str | None,
             count_spec: str | None) -> None:
    """Close this terminal's period since the last Z; same as close-day."""
    _close_day(ctx, manager, counted, count_spec)


@report.command("shop")
@click.option("--date", "day", required=True, help="Calendar date YYYY-MM-DD.")
@click.pass_context
def report_shop(ctx: click.Context, day: str) -> None:
    """One date across every terminal sharing the ledger (changes nothing)."""
    shop = _shop(ctx)
    when = _parse_date(day)
    assert when is not None
    _echo_report(shop, shop.shop_report(when))


@main.command("close-day")
@click.option("--counted", default=None, help=Z_COUNTED_HELP)
@click.option("--count", "count_spec", default=None, help=COUNT_HELP)
@manager_required
@click.pass_context
def close_day(ctx: click.Context, manager: ClerkView, counted: str | None,
              count_spec: str | None) -> None:
    """Close this terminal's period since the last Z: the Z report, printed and shown."""
    _close_day(ctx, manager, counted, count_spec)


@main.command("export")
@click.option("--date", "day", required=True, help="First business date YYYY-MM-DD.")
@click.option("--to", "to_day", default=None, help="Last business date (default: --date).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False),
              help="File to write (its folder is created; an existing file needs --force).")
@click.option("--headers", type=click.Choice(["label", "machine"]), default="label",
              show_default=True,
              help="Column titles in the shop's language, or the stable machine names.")
@click.option("--dialect", type=click.Choice(["standard", "es-PE", "es-ES"]),
              default="standard", show_default=True,
              help="CSV for a spreadsheet's locale: es-PE (`,` and decimal point) or es-ES "
                   "(`;` and decimal comma); standard is `;` and decimal point.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@manager_required  # exports carry customer data
@click.pass_context
def export(ctx: click.Context, day: str, to_day: str | None, fmt: str, output: str,
           headers: str, dialect: str, force: bool, manager: ClerkView) -> None:
    """One row per journal entry, for the accountant (CSV, JSON, XLSX)."""
    from pathlib import Path

    from pos.i18n import _

    start = _parse_date(day)
    end = _parse_date(to_day) if to_day else start
    assert start is not None and end is not None
    shop = _shop(ctx)
    with _progress(_("Exporting")) as tick:
        count = shop.export(start, end, fmt, Path(output), progress=tick, headers=headers,
                            dialect=dialect, force=force)
    click.echo(ngettext("{count} entry written to {path}.", "{count} entries written to {path}.",
                        count, count=count, path=output))


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
@click.option("--failed", is_flag=True,
              help="It did not arrive: refund the customer (needs --manager).")
@manager_required(optional=True)
@clerk_required
@click.pass_context
def topup_resolve(ctx: click.Context, ticket: str, code: str | None, failed: bool,
                  clerk: ClerkView, manager: ClerkView | None) -> None:
    """Confirm a pending top-up with the operator's code, or mark it failed (--failed)."""
    from pos.topup.service import desk

    who = manager if failed and manager is not None else clerk
    _echo_topup(desk(_shop(ctx)).resolve(ticket, who, code=code, failed=failed))


@topup.command("reconcile")
@click.pass_context
def topup_reconcile(ctx: click.Context) -> None:
    """Ask the distributor about every pending top-up, by reference (never sends again)."""
    from pos.topup.service import desk

    shop = _shop(ctx)
    outcomes = desk(shop).reconcile()
    for outcome in outcomes:
        click.echo(outcome.status.ticket)
        _echo_topup(outcome)
    pending = len(desk(shop).pending())
    click.echo(ngettext("{count} still pending.", "{count} still pending.", pending,
                        count=pending))


@topup.command("report")
@click.option("--date", "day", default=None, help="Business date YYYY-MM-DD (default: today).")
@click.option("--shop", "shop_wide", is_flag=True, help="Every terminal sharing the ledger.")
@click.pass_context
def topup_report(ctx: click.Context, day: str | None, shop_wide: bool) -> None:
    """Per operator: sold, cost, commission earned, float left."""
    from pos.slips import figures_section, receipt_lines
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
@manager_required
@click.pass_context
def float_restock(ctx: click.Context, account: str, amount: str, rate: str,
                  reported: str | None, manager: ClerkView) -> None:
    """Record a float purchase (manager only)."""
    from decimal import Decimal, InvalidOperation

    from pos.domain.errors import ValidationError
    from pos.i18n import N_
    from pos.topup.service import restock

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
    os.umask(0o077)  # as pos.launch does for the console script
    main(prog_name="pos")
