"""The top-up flow over a `Shop`, with the ledger as the truth.

1. The sale is committed first, carrying `{"topup": {gateway, account, prefix}}` in its
   `data`: its reference (prefix + ticket) is the idempotency key. That commit is the claim to
   send: only the call that created the sale sends it (`after_sale`), and only once; a
   duplicate request id, a retry, another terminal and the reconciler never send.
2. The outcome is a new chained entry, unique per sale (request id `topup:TICKET`): `topup_ok`
   with the operator's transaction id and the cost, or `topup_fail` plus a `void` that
   reverses the sale and prints a refund slip (cash: give it back; card/wallet: annul).
3. No final answer: the sale stays pending; `reconcile` asks the distributor *by reference*
   (after a restart too) until the answer is final. A reference the distributor still does
   not know after `give_up_minutes` was never received: it fails and is refunded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from pos.domain.entry import Entry
from pos.domain.errors import ValidationError
from pos.domain.ticket import normalise_ticket
from pos.domain.money import format_money, from_cents
from pos.i18n import N_, _
from pos.ledger import journal
from pos.ledger.clerks import require_manager
from pos.ledger.errors import AuthError, LedgerError
from pos.ledger.models import JournalEntry
from pos.topup.floats import (
    account_of,
    cost_cents,
    current_rate,
    entry_data,
    float_views,
)
from pos.slips import refund_slip
from pos.topup.gateway import Answer, Gateway, State, TopupRequest

if TYPE_CHECKING:
    from pos.config import Settings
    from pos.services import ClerkView, PrintOutcome, Shop

OUTCOME_KINDS = ("topup_ok", "topup_fail")
PENDING, CONFIRMED, FAILED, RECORDED = "pending", "confirmed", "failed", "none"
AIRTIME_CHOICES = ("reversed", "not_reversed")
STATE_LABELS = {PENDING: N_("pending"), CONFIRMED: N_("confirmed"), FAILED: N_("failed"),
                RECORDED: N_("recorded only")}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.]{2,39}")


# -- the sale's top-up data -------------------------------------------------------------------

def gateway_kind(settings: Settings, operator: str) -> str:
    own = settings.topup.operators.get(operator)
    return (own.gateway if own and own.gateway else None) or settings.topup.gateway


def sale_fields(settings: Settings, operator: str) -> dict[str, Any]:
    """Journal fields a sale gets for its top-up (none with the `none` gateway)."""
    kind = gateway_kind(settings, operator)
    if kind == "none":
        return {}
    info = {"gateway": kind, "account": account_of(settings, operator),
            "prefix": settings.topup.reference_prefix}
    return {"data": journal.canonical_json({"topup": info})}


def sale_topup(entry: Any) -> dict[str, Any] | None:
    """The top-up part of a sale entry's data, or None for a record-only sale."""
    if getattr(entry, "kind", None) != "sale":
        return None
    info = entry_data(entry).get("topup")
    return info if isinstance(info, dict) else None


def reference(entry: Any) -> str:
    """The idempotency key the distributor knows the sale by."""
    info = sale_topup(entry) or {}
    return f"{info.get('prefix', '')}{entry.ticket}"


def outcome_key(ticket: str) -> str:
    return f"topup:{ticket}"


@dataclass(frozen=True)
class TopupStatus:
    """A sale's top-up as screens, slips and the CLI show it."""

    ticket: str
    reference: str
    gateway: str
    state: str  # pending | confirmed | failed | none
    operator: str
    phone: str
    amount: Decimal
    method: str
    created_at: datetime
    operator_txn: str | None = None
    refund_ticket: str | None = None
    reason: str | None = None
    cost: Decimal | None = None

    def age(self, now: datetime) -> timedelta:
        return now - self.created_at


@dataclass(frozen=True)
class Outcome:
    """What a send, a resolve or a reconcile step did."""

    status: TopupStatus
    recorded: bool  # a new outcome entry was written now
    refund_outcome: PrintOutcome | None = None
    warning: str | None = None  # low float, for the clerk and the owner


def _pending_status(sale: JournalEntry) -> TopupStatus:
    info = sale_topup(sale) or {}
    return TopupStatus(ticket=sale.ticket, reference=reference(sale),
                       gateway=info.get("gateway", "none"), state=PENDING,
                       operator=sale.operator or "", phone=sale.phone or "",
                       amount=from_cents(sale.amount_cents), method=sale.method or "",
                       created_at=journal.parse_utc(sale.created_at))


def _status(s: Session, sale: JournalEntry) -> TopupStatus:
    info = sale_topup(sale)
    base = dict(ticket=sale.ticket, reference=reference(sale),
                gateway=(info or {}).get("gateway", "none"), operator=sale.operator or "",
                phone=sale.phone or "", amount=from_cents(sale.amount_cents),
                method=sale.method or "", created_at=journal.parse_utc(sale.created_at))
    if info is None:
        return TopupStatus(state=RECORDED, **base)
    out = s.exec(select(JournalEntry).where(
        JournalEntry.request_id == outcome_key(sale.ticket))).first()
    if out is None:
        return TopupStatus(state=PENDING, **base)
    data = entry_data(out)
    if out.kind == "topup_ok":
        return TopupStatus(state=CONFIRMED, operator_txn=data.get("txn"),
                           cost=from_cents(int(data.get("cost_cents", 0))), **base)
    refund = s.exec(select(JournalEntry.ticket).where(
        JournalEntry.ref_ticket == sale.ticket, JournalEntry.kind == "void")).first()
    return TopupStatus(state=FAILED, refund_ticket=refund, reason=out.reason, **base)


# -- the desk: gateways and the flow ------------------------------------------------------------

class TopupDesk:
    """One terminal's top-up service: its gateways and the flow over its Shop."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self._gateways: dict[str, Gateway] = {}

    def sale_fields(self, operator: str) -> dict[str, Any]:
        """The sale's top-up fields; first makes sure its gateway can be used (credentials
        readable), so a misconfigured gateway refuses the sale before anything is stored."""
        fields = sale_fields(self.shop.settings, operator)
        if fields:
            self.gateway(gateway_kind(self.shop.settings, operator))
        return fields

    def gateway(self, kind: str) -> Gateway:
        if kind not in self._gateways:
            self._gateways[kind] = _make_gateway(self.shop.settings, kind)
        return self._gateways[kind]

    def close(self) -> None:
        for gw in self._gateways.values():
            closer = getattr(gw, "close", None)
            if closer is not None:
                closer()
        self._gateways.clear()

    # -- reading ---------------------------------------------------------------------------

    def status(self, ticket: str) -> TopupStatus:
        ticket = normalise_ticket(ticket)
        with self.shop.terminal.reader() as s:
            sale = s.exec(select(JournalEntry).where(JournalEntry.ticket == ticket)).first()
            if sale is None or sale.kind != "sale":
                raise ValidationError("ticket", N_("Ticket {ticket} is not a sale."),
                                      ticket=ticket)
            return _status(s, sale)

    def pending(self) -> list[TopupStatus]:
        """Sales whose top-up has no final outcome yet, oldest first."""
        outcome = aliased(JournalEntry)
        # The database filters: a sale with top-up data and no outcome entry (found through
        # the unique request-id index), so only the pending rows come back.
        no_outcome = ~exists().where(
            col(outcome.request_id) == literal("topup:") + col(JournalEntry.ticket))
        with self.shop.terminal.reader() as s:
            sales = s.exec(select(JournalEntry).where(
                JournalEntry.kind == "sale", col(JournalEntry.data).is_not(None), no_outcome)
                .order_by(col(JournalEntry.created_at), col(JournalEntry.id))).all()
            return [_status(s, sale) for sale in sales if sale_topup(sale) is not None]

    # -- sending ---------------------------------------------------------------------------

    def after_sale(self, sale: JournalEntry) -> Outcome | None:
        """Send a sale's top-up right after its commit; None for record-only sales.

        Called once per sale, by the call that created it (never for a duplicate).
        """
        info = sale_topup(sale)
        if info is None:
            return None
        gw = self.gateway(str(info.get("gateway")))
        if not gw.sends:
            return Outcome(self.status(sale.ticket), recorded=False)
        request = TopupRequest(reference(sale), sale.operator or "", sale.phone or "",
                               from_cents(sale.amount_cents))
        try:
            answer = gw.send(request)
        except Exception as exc:  # noqa: BLE001 - an adapter bug must leave it pending, not lost
            answer = Answer(State.UNKNOWN, reason=f"{type(exc).__name__}: {exc}"[:200])
        try:
            return self._settle(sale, answer)
        except LedgerError as exc:
            # The sale is kept and the distributor has answered, but the outcome could not be
            # written: it stays pending and the reconciler writes it from the distributor.
            self.shop.log_event("topup_unrecorded", f"{sale.ticket}: {exc}")
            return Outcome(_pending_status(sale), recorded=False)

    def _settle(self, sale: JournalEntry, answer: Answer, *,
                clerk: str | None = None) -> Outcome:
        if answer.final:
            return self.record(sale, answer, clerk=clerk)
        self.shop.log_event("topup_pending", f"{sale.ticket}: {answer.state.value} "
                                              f"{answer.reason or ''}".strip())
        return Outcome(self.status(sale.ticket), recorded=False)

    # -- outcomes --------------------------------------------------------------------------

    def record(self, sale: JournalEntry, answer: Answer, *, clerk: str | None = None,
               print_now: bool = True) -> Outcome:
        """Write the final outcome once (a second writer finds it and changes nothing)."""
        assert answer.final
        shop = self.shop
        info = sale_topup(sale) or {}
        account = str(info.get("account") or account_of(shop.settings, sale.operator or ""))
        who = clerk or sale.clerk

        cost_of = 0  # set when confirmed: the float this top-up used

        def work(s: Session) -> tuple[bool, int | None]:
            nonlocal cost_of
            journal.lock_series(s, f"journal:{shop.series}")
            if s.exec(select(JournalEntry.id).where(
                    JournalEntry.request_id == outcome_key(sale.ticket))).first() is not None:
                return False, None
            common: dict[str, Any] = dict(clerk=who, operator=sale.operator, phone=sale.phone,
                                          ref_ticket=sale.ticket,
                                          request_id=outcome_key(sale.ticket))
            data: dict[str, Any] = {"ref": reference(sale), "account": account,
                                    "gateway": info.get("gateway")}
            if answer.gateway_txn:
                data["gateway_txn"] = answer.gateway_txn
            if answer.balance is not None:
                data["balance_cents"] = int(answer.balance * 100)
            if answer.state is State.CONFIRMED:
                rate = current_rate(s, account)
                cost_of = cost_cents(sale.amount_cents, rate)
                data |= {"txn": answer.operator_txn, "amount_cents": sale.amount_cents,
                         "cost_cents": cost_of, "rate": str(rate)}
                journal.append_entry(s, shop.key, series=shop.series, kind="topup_ok",
                                     now=shop.clock(), tz=shop.tz,
                                     data=journal.canonical_json(data), **common)
                return True, None
            reason = _failure_text(answer)
            data |= {"code": answer.code}
            journal.append_entry(s, shop.key, series=shop.series, kind="topup_fail",
                                 now=shop.clock(), tz=shop.tz, reason=reason[:200],
                                 data=journal.canonical_json(data), **common)
            already = s.exec(select(JournalEntry.id).where(
                JournalEntry.ref_ticket == sale.ticket, JournalEntry.kind == "void")).first()
            if already is not None:
                return True, None
            void = journal.append_entry(
                s, shop.key, series=shop.series, kind="void", now=shop.clock(), tz=shop.tz,
                clerk=sale.clerk, operator=sale.operator, phone=sale.phone,
                amount_cents=-sale.amount_cents, method=sale.method, ref_ticket=sale.ticket,
                reason=_("Top-up failed: {reason}", reason=reason)[:200],
                data=journal.canonical_json({"topup_refund": True, "account": account}))
            slip = refund_slip(shop.settings, shop.terminal.entry(void), shop.terminal.entry(sale))
            job = shop.printing.enqueue(s, void.ticket, "void", slip)
            journal.append_event(s, shop.key, series=shop.series, kind="topup_refund",
                                 detail=f"{void.ticket} refunds {sale.ticket}: {reason}",
                                 now=shop.clock())
            return True, job

        try:
            recorded, job_id = shop.terminal.write(work)
        except LedgerError:
            # Another terminal wrote the outcome between our check and our insert (the request
            # id is unique across the ledger): theirs stands.
            status = self.status(sale.ticket)
            if status.state == PENDING:
                raise
            return Outcome(status, recorded=False)
        refund_outcome = shop.print_job(job_id) if job_id and print_now else None
        warning = (self._low_float_warning(account, from_cents(cost_of)) if recorded
                   and answer.state is State.CONFIRMED else None)
        return Outcome(self.status(sale.ticket), recorded, refund_outcome, warning)

    def _low_float_warning(self, account: str, used: Decimal) -> str | None:
        """The clerk is told at every top-up while the float is low; the owner's event log
        records the top-up that crossed the level."""
        with self.shop.terminal.reader() as s:
            view = float_views(s, self.shop.settings).get(account)
        if view is None or not view.low:
            return None
        if view.left + used >= view.low_level:
            self.shop.log_event("float_low", f"{account}: {view.left}")
        return _("Low float with {account}: {left} left (warning level {level}).",
                 account=account, left=format_money(view.left),
                 level=format_money(view.low_level))

    def resolve(self, ticket: str, clerk: ClerkView, *, code: str | None = None,
                failed: bool = False, reason: str | None = None) -> Outcome:
        """The clerk's word on a pending top-up: the operator's code, or "it did not arrive".

        "Did not arrive" refunds the customer: money out of the drawer, so a manager says it
        (a clerk could otherwise deliver the airtime, mark it failed and keep the refund)."""
        if failed and not clerk.is_manager:
            raise AuthError(_("{name} is not a manager: a refund for a top-up that did not "
                              "arrive needs a manager's PIN.", name=clerk.name))
        status = self.status(ticket)
        if status.state != PENDING:
            raise ValidationError("ticket", N_("The top-up of {ticket} is not pending ({state})."),
                                  ticket=status.ticket, state=_(STATE_LABELS[status.state]))
        sale = self.shop.sales.entry_row(status.ticket)
        if failed:
            answer = Answer(State.FAILED, reason=reason or _("did not arrive (clerk)"),
                            code="not_arrived")
        else:
            answer = Answer(State.CONFIRMED, operator_txn=check_code(code))
        return self.record(sale, answer, clerk=clerk.name)

    def day_figures(self, day: date, *, series: str | None = None) -> list[Any]:
        """Per-operator top-up figures of a business date (one terminal, or the whole shop
        with series=None): the Z and shop report section (`floats.figures_section`)."""
        from pos.topup.floats import operator_figures

        query = select(JournalEntry).where(
            JournalEntry.business_date == day.isoformat(),
            col(JournalEntry.kind).in_(("topup_ok", "void")))
        if series is not None:
            query = query.where(JournalEntry.series == series)
        with self.shop.terminal.reader() as s:
            entries = s.exec(query).all()
            return operator_figures(entries, self.shop.settings, float_views(s, self.shop.settings))

    def reconcile(self) -> list[Outcome]:
        """Ask the distributor about every pending top-up it was sent to; never sends."""
        outcomes = []
        now = self.shop.clock()
        give_up = timedelta(minutes=self.shop.settings.topup.give_up_minutes)
        for status in self.pending():
            if status.gateway == "manual":
                continue  # only the clerk knows
            gw = self.gateway(status.gateway)
            try:
                answer = gw.query(status.reference)
            except Exception as exc:  # noqa: BLE001 - stays pending; asked again next round
                answer = Answer(State.UNKNOWN, reason=f"{type(exc).__name__}: {exc}"[:200])
            if answer.state is State.NOT_FOUND and status.age(now) >= give_up:
                answer = Answer(State.FAILED, code="never_received",
                                reason=_("the distributor never received it"))
            if answer.final:
                outcomes.append(self.record(self.shop.sales.entry_row(status.ticket), answer))
        return outcomes


def check_code(code: str | None) -> str:
    """The operator's confirmation code as typed (3–40 letters, digits, `-_.`)."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        raise ValidationError("code", N_("Type the operator's confirmation code (3 to 40 "
                                         "letters or digits)."))
    return code


def _failure_text(answer: Answer) -> str:
    if answer.code == "insufficient_balance":
        if answer.balance is not None:
            return _("the distributor balance is too low ({balance} left)",
                     balance=format_money(answer.balance))
        return _("the distributor balance is too low")
    if answer.code == "auth":
        return _("the distributor refused the credentials (check [topup.http])")
    return answer.reason or _("refused by the distributor")


def _make_gateway(settings: Settings, kind: str) -> Gateway:
    if kind == "http":
        from pos.topup.http import CredentialsMissing, HttpGateway, read_token

        try:
            token = read_token(settings.topup.http, settings.base_dir)
        except CredentialsMissing as exc:
            raise LedgerError(_("The top-up gateway's credentials cannot be read ({reason}).",
                                reason=str(exc))) from None
        return HttpGateway(settings.topup.http, token)
    from pos.topup.manual import ManualGateway

    return ManualGateway()


def desk(shop: Shop) -> TopupDesk:
    """The shop's top-up desk (one per Shop, wired in pos.services)."""
    return shop.topups


# -- voids ------------------------------------------------------------------------------------

def void_fields(s: Session, original: JournalEntry, airtime: str | None) -> dict[str, Any]:
    """What a void of a top-up sale needs: refused while pending; for a confirmed one, the
    manager's word on the airtime (`reversed` by the operator, or `not_reversed`)."""
    if sale_topup(original) is None:
        return {}
    status = _status(s, original)
    if status.state == PENDING:
        raise ValidationError("ticket", N_("The top-up of {ticket} is still pending: wait for "
                                           "its outcome (pos topup pending)."),
                              ticket=original.ticket)
    if status.state != CONFIRMED:
        return {}
    if airtime not in AIRTIME_CHOICES:
        raise ValidationError("airtime", N_("This top-up was delivered: say how the airtime was "
                                            "reversed (reversed or not_reversed)."))
    info = sale_topup(original) or {}
    return {"data": journal.canonical_json({
        "airtime": airtime, "account": info.get("account"),
        "cost_cents": int((status.cost or Decimal(0)) * 100)})}


# -- float ------------------------------------------------------------------------------------

def restock(shop: Shop, manager: ClerkView, account: str, amount: Decimal, rate: Decimal, *,
            reported: Decimal | None = None) -> Entry:
    """A manager records money put into a distributor account and its commission rate."""
    require_manager(manager)
    account = (account or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", account):
        raise ValidationError("account", N_("The account name has 1 to 20 letters or digits."))
    if amount <= 0 or amount > Decimal("1000000"):
        raise ValidationError("amount", N_("The restock amount must be more than 0."))
    if not Decimal(0) <= rate < Decimal(100):
        raise ValidationError("rate", N_("The commission rate is a percentage from 0 to 99."))
    data: dict[str, Any] = {"account": account, "amount_cents": int(amount * 100),
                            "rate": str(rate)}
    if reported is not None:
        data["reported_cents"] = int(reported * 100)

    def work(s: Session) -> JournalEntry:
        return journal.append_entry(s, shop.key, series=shop.series, kind="float_restock",
                                    now=shop.clock(), tz=shop.tz, clerk=manager.name,
                                    data=journal.canonical_json(data))

    entry = shop.terminal.write(work)
    shop.log_event("float_restock", f"{account}: {amount} at {rate}%")
    return shop.terminal.entry(entry)


def floats(shop: Shop) -> dict[str, Any]:
    """Every distributor account's float (FloatView by name)."""
    with shop.terminal.reader() as s:
        return float_views(s, shop.settings)
