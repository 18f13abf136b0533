"""Selling: drafts from what was typed, the sale and its receipt job in one transaction,
voids, and looking entries up (one ticket, its view, the history).

The same request id twice returns the first sale (a double Enter never sells twice); a sale
to a distributor-backed operator is sent once, right after its commit (`pos.topup`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from pos import slips
from pos.domain.entry import Entry, EntryView
from pos.domain.draft import TypedSale, build_draft
from pos.domain.errors import ValidationError
from pos.domain.identity import IdDocument
from pos.domain.money import to_cents
from pos.domain.payment import change_of, payment_method
from pos.domain.phone import parse_phone
from pos.domain.results import ClerkView, PrintOutcome, SaleResult
from pos.domain.sale import Operator, SaleDraft, check_amount
from pos.domain.text import clean_reason
from pos.i18n import N_
from pos.ledger import journal
from pos.ledger.figures import check_shift, require_shift
from pos.ledger.models import JournalEntry
from pos.ledger.tx import Tx
from pos.services.clerks import require_manager
from pos.ledger.errors import LedgerError
from pos.services.printing import Held, Printing
from pos.domain.ticket import normalise_ticket
from pos.services.terminal import Terminal, find_row
from pos.topup.service import void_fields  # issue 13

if TYPE_CHECKING:
    from pos.topup.service import TopupDesk

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


def check_request_id(request_id: str | None) -> None:
    """An idempotency key is 1–64 ASCII letters, digits and `._:-` (a UUID fits)."""
    if request_id is not None and not _REQUEST_ID.fullmatch(request_id):
        raise ValidationError("request_id", N_("The request id has 1 to 64 letters, digits, "
                                               "'.', '_', ':' or '-'."))


def request_digest(request: dict[str, object]) -> str:
    """SHA-256 of a request's content (its idempotency key left out), canonical JSON."""
    content = {k: v for k, v in request.items() if k != "request_id"}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


class Sales:
    """Sell, void and look up this terminal's entries."""

    def __init__(self, terminal: Terminal, printing: Printing,
                 topups: Callable[[], TopupDesk]) -> None:
        self.terminal = terminal
        self.printing = printing
        self.topups = topups  # the terminal's top-up desk (issue 13), made on first use

    @property
    def operators(self) -> dict[str, Operator]:
        return self.terminal.settings.operators

    def build_draft(
        self,
        *,
        operator: str,
        phone: str,
        amount: str,
        method: str,
        id_spec: str | None = None,
        tendered: str | None = None,
        card_spec: str | None = None,
        op_number: str | None = None,
    ) -> SaleDraft:
        """A draft from what was typed (command line form); the first bad field raises."""
        return build_draft(TypedSale(operator, phone, amount, method, id_spec=id_spec,
                                     tendered=tendered, card_spec=card_spec or "",
                                     op_number=op_number or ""),
                           self.terminal.settings.draft_rules())

    def id_digest(self, document: IdDocument) -> str:
        """Keyed HMAC of a document, so it can be searched but not read back."""
        message = f"{document.doc_type.value}:{document.number}".encode()
        return hmac.new(self.terminal.key, b"id|" + message, hashlib.sha256).hexdigest()

    def sell(self, clerk: ClerkView, draft: SaleDraft, *, request_id: str | None = None,
             print_now: bool = True, hold_print: bool = False) -> SaleResult:
        """Commit the sale and its print job in one durable transaction, then (optionally)
        print.

        The receipt's bytes are rendered from the new entry inside that transaction (stored
        with their MAC: the preview and the printer share them). With `print_now`, or
        `hold_print` (the caller prints it next with `print_job`, as the app's print worker
        does), the job is also claimed in it, so printing needs no durable write of its own:
        its outcome is recorded without waiting for the disk. A crash before that leaves a
        stale claim, which becomes 'unconfirmed': the receipt prints again only as a COPIA.
        A top-up's receipt waits for the top-up's outcome, so it is rendered when printed.
        The same `request_id` twice returns the first sale: a double Enter never sells twice.
        """
        terminal = self.terminal
        settings = terminal.settings
        check_request_id(request_id)
        check_amount(draft.operator, draft.amount)
        if settings.shop.require_id and draft.id_document is None:
            raise ValidationError("id", N_("This shop requires the customer's ID document."))
        method = payment_method(draft.payment.method)
        if method.key not in settings.payments.methods:
            raise ValidationError("method", N_("This shop does not take {method}."),
                                  method=method.label)
        payment = method.settle(draft.payment, draft.amount)  # cash: covers it, its change
        change = change_of(payment)
        fields: dict[str, object] = {
            "clerk": clerk.name,
            "operator": draft.operator.code,
            "phone": draft.phone.digits,
            "amount_cents": to_cents(draft.amount),
            "method": method.key,
            "request_id": request_id,
        }
        fields |= method.columns(payment)
        if draft.id_document is not None:
            doc = draft.id_document
            fields |= {"id_type": doc.doc_type.value, "id_masked": doc.masked,
                       "id_digest": self.id_digest(doc)}
            if settings.ledger.id_storage == "full":
                fields["id_number"] = doc.number
        # -- top-up (issue 13): the sale carries its gateway; its ticket is the reference --
        fields |= self.topups().sale_fields(draft.operator.code)

        printing = self.printing

        def work(tx: Tx) -> tuple[JournalEntry, Entry, int, bool, Held | None]:
            done = self._replay(tx, request_id, {"kind": "sale", **fields})
            if done is not None:
                return (done[0], terminal.entry(done[0]), done[1], done[2], None)
            check_shift(tx, terminal.series, N_("selling"))
            row = terminal.append(tx, kind="sale", **fields)
            entry = terminal.entry(row)  # one value for the receipt and the result
            # The job row in this transaction is what guarantees the receipt can always be
            # printed; its bytes, when they can be rendered now, are rendered once, here.
            data = printing.sale_bytes(entry)
            if data is None:
                return row, entry, printing.enqueue(tx, row.ticket, "sale", None), False, None
            job, held = printing.queue(tx, row.ticket, "sale", data,
                                       claim=print_now or hold_print)
            return row, entry, job, False, held

        # On the driver's connection (pos/ledger/tx.py): no ORM on the path of every sale.
        row, entry, job_id, duplicate, held = terminal.write_tx(work)
        # -- top-up (issue 13): sent once, by the call that committed it, before the receipt --
        topup = self.topups().after_sale(row) if not duplicate else None
        outcome = None
        if held is not None and print_now:
            outcome = printing.print_held(job_id, held)
        elif held is not None:
            printing.hold(job_id, held)
        elif print_now and not duplicate:
            outcome = printing.print_job(job_id)
        return SaleResult(entry, job_id, change, duplicate, outcome, topup)

    def _replay(self, s: Session | Tx, request_id: str | None,
                request: dict[str, object]) -> tuple[JournalEntry, int, bool] | None:
        """The entry an idempotency key already produced (with its first print job), if any.

        Taken under the terminal's lock, so two submits of one draft cannot both append. The
        same key with other content (another amount, phone, tendered cash, reason…) is a
        different request: refused, never answered with the first one's ticket.
        """
        journal.lock_series(s, f"journal:{self.terminal.series}")
        if request_id is None:
            return None
        # One indexed query, no ORM hydration (the hot path of every TUI sale).
        found = journal.find_by_request_id(s, request_id)
        if found is None:
            return None
        done = found.entry
        stored = {name: getattr(done, name) for name in request}
        if request_digest(stored) != request_digest(request):
            raise ValidationError("request_id", N_("The request id {request_id} was already used "
                                                   "for {ticket}, with other content: use a new "
                                                   "request id for a new operation."),
                                  request_id=request_id, ticket=done.ticket)
        return done, found.job_id, True

    # -- voids ---------------------------------------------------------------------------

    def void(self, ticket: str, reason: str, manager: ClerkView, *,
             request_id: str | None = None, print_now: bool = True,
             airtime: str | None = None) -> SaleResult:
        """A reversing entry for a sale, authorised by a manager; the sale itself never changes.

        `airtime` (issue 13): for a delivered top-up, `reversed` or `not_reversed`.
        """
        terminal = self.terminal
        require_manager(manager)
        reason = clean_reason(reason, N_("Write the reason for the void (3 letters or more)."))
        check_request_id(request_id)
        ticket = normalise_ticket(ticket)

        def work(s: Session) -> tuple[JournalEntry, int, bool, Held | None]:
            done = self._replay(s, request_id, {"kind": "void", "clerk": manager.name,
                                                "ref_ticket": ticket, "reason": reason})
            if done is not None:
                return (*done, None)
            original = s.exec(select(JournalEntry).where(JournalEntry.ticket == ticket)).first()
            if original is None:
                raise ValidationError("ticket", N_("Ticket {ticket} does not exist."),
                                      ticket=ticket)
            if original.kind != "sale":
                raise ValidationError("ticket", N_("Ticket {ticket} is not a sale."),
                                      ticket=ticket)
            already = s.exec(select(JournalEntry.ticket).where(
                JournalEntry.ref_ticket == ticket, JournalEntry.kind == "void")).first()
            if already is not None:
                raise ValidationError("ticket", N_("Ticket {ticket} was already voided by "
                                                   "{void}."), ticket=ticket, void=already)
            if original.method == "cash":  # the refund leaves this terminal's drawer
                require_shift(s, terminal.series, N_("refunding cash"))
            row = terminal.append(
                s, kind="void", clerk=manager.name, operator=original.operator,
                phone=original.phone, amount_cents=-original.amount_cents,
                method=original.method, ref_ticket=original.ticket, reason=reason,
                request_id=request_id,
                **void_fields(s, original, airtime))  # issue 13: pending waits; airtime
            slip = slips.void_receipt(terminal.settings, terminal.entry(row),
                                      terminal.entry(original))
            held: Held | None = None
            try:
                data = self.printing.render(slip)
            except LedgerError:  # queued as failed, for the generic profile (enqueue)
                job = self.printing.enqueue(s, row.ticket, "void", slip)
            else:  # to print now: claimed in this same durable commit
                job, held = self.printing.queue(s, row.ticket, "void", data, claim=print_now)
            terminal.event(s, "void", f"{row.ticket} voids {ticket}: {reason}")
            return row, job, False, held

        row, job_id, duplicate, held = terminal.write(work)
        outcome: PrintOutcome | None
        if held is not None:
            outcome = self.printing.print_held(job_id, held)
        else:
            outcome = (self.printing.print_job(job_id) if print_now and not duplicate and job_id
                       else None)
        return SaleResult(terminal.entry(row), job_id, Decimal("0.00"), duplicate, outcome)

    # -- looking up ----------------------------------------------------------------------

    def entry_row(self, ticket: str) -> JournalEntry:
        """The ledger row of a ticket, for the services and the top-up flow only."""
        with self.terminal.reader() as s:
            return find_row(s, ticket)

    def entry(self, ticket: str) -> Entry:
        return self.terminal.entry(self.entry_row(ticket))

    def view(self, ticket: str) -> EntryView:
        with self.terminal.reader() as s:
            row = find_row(s, ticket)
            voided_by = s.exec(select(JournalEntry.ticket).where(
                JournalEntry.ref_ticket == row.ticket, JournalEntry.kind == "void")).first()
        return EntryView(self.terminal.entry(row), voided_by)

    def history(self, *, day: date | None = None, phone: str | None = None,
                ticket: str | None = None, document: IdDocument | None = None,
                limit: int = 500) -> list[EntryView]:
        """Sales and voids, newest first: by business date, phone, ticket or ID document."""
        query = select(JournalEntry).where(col(JournalEntry.kind).in_(("sale", "void")))
        if ticket:
            query = query.where(JournalEntry.ticket == normalise_ticket(ticket))
        if phone:
            query = query.where(JournalEntry.phone == parse_phone(phone).digits)
        if document is not None:
            query = query.where(JournalEntry.id_digest == self.id_digest(document))
        if day is not None:
            query = query.where(JournalEntry.business_date == day.isoformat())
        query = query.order_by(col(JournalEntry.created_at).desc(),
                               col(JournalEntry.id).desc()).limit(limit)
        with self.terminal.reader() as s:
            rows = list(s.exec(query).all())
            tickets = [r.ticket for r in rows if r.kind == "sale"]
            voids: dict[str, str] = {}
            if tickets:
                for void_ticket, ref in s.exec(
                    select(JournalEntry.ticket, JournalEntry.ref_ticket).where(
                        JournalEntry.kind == "void", col(JournalEntry.ref_ticket).in_(tickets))
                ).all():
                    voids[ref or ""] = void_ticket
        return [EntryView(self.terminal.entry(r), voids.get(r.ticket)) for r in rows]
