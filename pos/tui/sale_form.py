"""The sale screen's fields as a small state machine, with no Textual in it.

The screen feeds it keys (`type`, `backspace`, `enter`, `back`, `choose`) and draws
`rows()`. Each field is checked as it is typed, with the domain's own rules, and the fast
path auto-advances: operator key, 9 phone digits, an amount preset, 8 DNI digits. It knows
the shop only through its settings (`DraftRules`: operators and their amounts, payment
methods, card brands, the ID rule), and the complete sale is built by the one builder,
`pos.domain.draft.build_draft`, as `pos sell` builds it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pos.domain.draft import DraftRules, TypedSale, build_draft, typed_payment
from pos.domain.errors import ValidationError
from pos.domain.identity import DocType, IdDocument, parse_document
from pos.domain.money import format_money, parse_amount
from pos.domain.payment import CashPayment, Payment, cash, payment_method, payment_steps
from pos.domain.phone import group_phone, parse_phone
from pos.domain.sale import Operator, SaleDraft, check_amount, find_operator, require_document
from pos.i18n import _

SALE_STEPS = ("operator", "phone", "amount", "id")
# Every field, the payment methods' from their registry (pos.domain.payment): a method's
# fields, their lengths, the keys they take and what a refused key says all come from there.
ORDER = SALE_STEPS + payment_steps()
MAX_LEN = {"phone": 9, "amount": 9}  # the sale's own fields; a payment's: its method's
KEYS = {"phone": "digits", "amount": "amount"}  # what a field takes: digits|amount|code|choice


@dataclass
class Row:
    """What the screen shows for one field."""

    name: str
    label: str
    value: str
    hint: str = ""
    error: str = ""
    current: bool = False
    done: bool = False


@dataclass
class SaleForm:
    rules: DraftRules
    step: str = "operator"
    operator: Operator | None = None
    text: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    doc_type: DocType | None = None
    method: str | None = None  # a key of the payment registry
    card_brand: str | None = None
    pan_blocked: bool = False
    refused: bool = False  # the last key was refused: the screen rings the bell
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        self.reset()

    # -- state ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Start over: empty fields, a fresh request id (a new sale)."""
        self.step = "operator"
        self.operator = None
        self.text = {name: "" for name in SALE_STEPS + payment_steps()}
        self.errors = {}
        self.doc_type = DocType.DNI
        self.method = self.rules.default_method
        self.card_brand = None
        self.pan_blocked = False
        self.refused = False
        self.request_id = uuid.uuid4().hex

    def repeat(self, operator: Operator, phone: str, amount: Decimal) -> None:
        """A new draft with a past sale's operator, phone and amount (repeat a sale): the
        clerk goes on at the document, which is checked again like any other sale's."""
        self.reset()
        self.operator = operator
        self.text["phone"] = phone
        self.text["amount"] = f"{amount:.2f}"
        self.step = "id"

    @property
    def steps(self) -> tuple[str, ...]:
        assert self.method is not None
        return SALE_STEPS + payment_method(self.method).steps

    @property
    def pay_steps(self) -> tuple[str, ...]:
        """The chosen payment method's fields."""
        assert self.method is not None
        return payment_method(self.method).steps

    def _takes(self, step: str) -> str:
        """What a field takes: digits, amount, code (letters and digits), choice or text."""
        assert self.method is not None
        return KEYS.get(step) or dict(payment_method(self.method).keys).get(step, "text")

    def _max_len(self, step: str) -> int:
        assert self.method is not None
        return MAX_LEN.get(step) or dict(payment_method(self.method).max_len).get(step, 12)

    def _hint(self, step: str) -> str:
        """What a field says when it refuses a key (its method's words for a payment field)."""
        if step == "phone":
            return _("The phone number may only have digits, e.g. 987 654 321.")
        assert self.method is not None
        return _(dict(payment_method(self.method).hints)[step])

    @property
    def amount(self) -> Decimal | None:
        try:
            return parse_amount(self.text["amount"]) if self.text["amount"] else None
        except ValidationError:
            return None

    def _touch(self) -> None:
        self.request_id = uuid.uuid4().hex  # any edit makes a different sale

    def _advance(self) -> None:
        steps = self.steps
        index = steps.index(self.step)
        if index + 1 < len(steps):
            self.step = steps[index + 1]

    def _refuse(self, step: str, message: str) -> bool:
        """A key the field does not take: said under the field, with a bell."""
        self.errors[step] = message
        self.refused = True
        return False

    def _fail(self, exc: Exception, default: str | None = None) -> bool:
        target = getattr(exc, "field", None) or default or self.step
        target = {"id_number": "id", "id": "id", "card": "card_last4"}.get(target, target)
        if target not in self.steps:
            target = self.step
        self.step = target
        self.errors[target] = getattr(exc, "message", str(exc))
        return False

    # -- keys ----------------------------------------------------------------------------

    def type(self, char: str) -> bool:
        """One typed character; returns True if the form moved to another field.

        A field never passes a key on: a full field refuses the next character (with a
        visible reason and `refused` set for the bell), and the digit-counted fields
        (phone, DNI) do not auto-advance on their last digit, so a doubled key can never
        land in the next field. Enter (or, on a complete phone, an amount preset) moves on.
        """
        self.refused = False
        step = self.step
        if step == "card_last4" and self.pan_blocked:
            # The rest of a full card number: refused, loudly, until Enter or Backspace.
            return self._refuse(step, _("Full card number cleared: Enter, then only the "
                                        "last 4."))
        self.errors.pop(step, None)
        if step == "operator":
            return self._pick_operator(char)
        if step == "card_brand":
            return self._pick_brand(char)
        text = self.text[step]
        limit = self._max_len(step)
        takes = self._takes(step)
        if takes == "digits" and not char.isdigit():
            return self._refuse(step, self._hint(step))
        if takes == "amount" and not (char.isdigit() or char in ".,"):
            return self._refuse(step, _("'{value}' is not an amount: use digits, e.g. 20 or "
                                        "20.50.", value=text + char))
        if takes == "amount" and char in ".,":
            if "." in text or "," in text:
                return self._refuse(step, _("'{value}' is not an amount: use digits, e.g. 20 "
                                            "or 20.50.", value=text + char))
        elif takes == "amount":
            decimals = text.replace(",", ".").partition(".")
            if decimals[1] and len(decimals[2]) >= 2:
                return self._refuse(step, _("At most two decimals (céntimos), e.g. 20.50."))
        if step == "id":
            return self._type_document(char)
        if takes == "code" and not (char.isascii() and char.isalnum()):
            return self._refuse(step, self._hint(step))
        if len(text) >= limit:
            if step == "card_last4":
                self.text[step] = ""  # a full card number was being typed: keep none of it
                self.pan_blocked = True
                return self._refuse(step, _("Full card number cleared: Enter, then only "
                                            "the last 4."))
            return self._refuse(step, self._too_long(step))
        self.text[step] = text + (char.upper() if takes == "code" else char)
        self._touch()
        return self._live_check(step)

    def backspace(self) -> None:
        self.refused = False
        self.errors.pop(self.step, None)
        self.pan_blocked = False
        if self.step == "operator":
            self.operator = None
        elif self.step == "card_brand":
            self.card_brand = None
        else:
            self.text[self.step] = self.text[self.step][:-1]
        self._touch()

    def back(self) -> bool:
        """Escape: the previous field (its value stays). False on the first field."""
        steps = self.steps
        index = steps.index(self.step)
        self.errors.pop(self.step, None)
        if index == 0:
            return False
        self.step = steps[index - 1]
        return True

    def go_to(self, step: str) -> None:
        if step in self.steps:
            self.step = step

    def choose(self, n: int) -> bool:
        """F1..F9: the current field's choices (amount presets, document type, payment)."""
        self.refused = False
        if self.step == "phone" and self._complete_phone():
            # The amount presets straight from a complete phone: 9 digits then F2.
            self.errors.pop("phone", None)
            self._advance()
        choices = self.choices()
        if not 1 <= n <= len(choices):
            self.refused = True
            return False
        self.errors.pop(self.step, None)
        self._touch()
        value: Any = choices[n - 1][1]
        if self.step == "amount":
            self.text["amount"] = f"{value:.2f}"
            return self.enter()
        if self.step == "id":
            self.doc_type = value
            self.text["id"] = ""
            return False
        if self.step in self.pay_steps:
            self.method = value
            self.step = self.pay_steps[0]
            return True
        return False

    def choices(self) -> list[tuple[str, object]]:
        """(label, value) the F-keys pick in the current field."""
        if self.step == "amount" and self.operator is not None:
            return [(format_money(p), p) for p in self.operator.presets]
        if self.step == "id":
            return [(t.label, t) for t in DocType]
        if self.step in self.pay_steps:
            return [(payment_method(m).label, payment_method(m).method)
                    for m in self.rules.methods]
        return []

    def enter(self) -> bool:
        """Enter: check the field and move on. True once the whole sale is ready."""
        self.refused = False
        step = self.step
        self.errors.pop(step, None)
        if step == "card_last4" and self.pan_blocked:
            self.pan_blocked = False  # the refused card number is gone: type the last 4
            self.text[step] = ""
            return False
        try:
            self._check(step, final=True)
        except ValidationError as exc:
            return self._fail(exc)
        if step == self.steps[-1]:
            try:
                self.draft()
            except ValidationError as exc:
                return self._fail(exc)
            return True
        self._advance()
        return False

    # -- checks --------------------------------------------------------------------------

    def _pick_operator(self, char: str) -> bool:
        try:
            op = find_operator(dict(self.rules.operators), char)
        except ValidationError:
            op = None
        if op is None or op.key != char:  # only the number key picks: a stray letter too
            # The keys are listed just under the field: the reason alone fits one line.
            return self._refuse("operator", _("Unknown operator '{value}': press its "
                                              "number key.", value=char))
        if self.operator != op:
            self._touch()
        self.operator = op
        self._advance()
        return True

    def _operator_keys(self) -> str:
        return ", ".join(f"{o.key} {o.name}" for o in self.rules.operators.values())

    def _pick_brand(self, char: str) -> bool:
        brands = self.rules.card_brands
        if char.isdigit() and 1 <= int(char) <= len(brands):
            self.card_brand = brands[int(char) - 1]
            self._touch()
            self._advance()
            return True
        # The brands' keys are listed just under the field: the reason alone fits one line.
        return self._refuse("card_brand", _("Unknown card brand '{value}': press its "
                                            "number key.", value=char))

    def _brand_keys(self) -> str:
        brands = self.rules.card_brands
        return ", ".join(f"{n} {b.title()}" for n, b in enumerate(brands, 1))

    def _type_document(self, char: str) -> bool:
        text = self.text["id"]
        kind = self.doc_type
        if kind is DocType.DNI:
            if not char.isdigit():
                self.errors["id"] = _("A DNI has 8 digits.")
                return False
            if len(text) >= 8:
                return self._refuse("id", _("DNI complete (8 digits): Enter goes on."))
        elif kind is DocType.CE:
            if not char.isdigit() or len(text) >= 12:
                return self._refuse("id", _("A carné de extranjería has 9 to 12 digits."))
        elif not (char.isascii() and char.isalnum()) or len(text) >= 12:
            return self._refuse("id", _("A passport number has 6 to 12 letters or digits."))
        self.text["id"] = text + char.upper()
        self._touch()
        if kind is DocType.DNI and len(self.text["id"]) == 8:
            self._check_complete(parse_document, kind, self.text["id"])
        return False

    def _check_complete(self, check: Any, *args: object) -> None:
        """A field just got its last character: say at once if the value is impossible."""
        try:
            check(*args)
        except ValidationError as exc:
            self.errors[self.step] = exc.message

    def _complete_phone(self) -> bool:
        try:
            parse_phone(self.text["phone"])
        except ValidationError:
            return False
        return True

    def _too_long(self, step: str) -> str:
        if step == "phone":
            return _("Phone complete (9 digits): Enter or F1–F5.")
        if step == "card_last4":
            return _("Type only the last 4 digits of the card.")
        assert self.method is not None
        hint = dict(payment_method(self.method).hints).get(step)
        return _(hint) if hint else _("The amount is too large.")

    def _live_check(self, step: str) -> bool:
        text = self.text[step]
        if step == "phone":
            if not text.startswith("9"):
                self.errors["phone"] = _("A mobile number starts with 9.")
                return False
            if len(text) == 9:
                self._check_complete(parse_phone, text)
            return False
        if step == "amount" and self.operator is not None:
            value = self.amount
            if value is not None and value > self.operator.max:
                self.errors["amount"] = _(
                    "{operator} top-ups go from {min} to {max}.", operator=self.operator.name,
                    min=format_money(self.operator.min), max=format_money(self.operator.max))
            return False
        # card_last4 does not auto-advance: a full card number typed there must stop at the
        # 5th digit instead of spilling into the authorisation code.
        return False

    def _check(self, step: str, *, final: bool) -> None:
        text = self.text.get(step, "")
        if step == "operator":
            if self.operator is None:
                raise ValidationError("operator", "Unknown operator '{value}': choose "
                                      "{choices}.", value="", choices=self._operator_keys())
        elif step == "phone":
            parse_phone(text)
        elif step == "amount":
            if self.operator is None:
                raise ValidationError("operator", "Unknown operator '{value}': choose "
                                      "{choices}.", value="", choices=self._operator_keys())
            check_amount(self.operator, text)
        elif step == "id":
            self.document()
        elif step == "tendered":
            self.cash_payment()
        elif step == "card_brand":
            if not self.card_brand:
                raise ValidationError("card_brand", "Card brand must be one of: {brands}.",
                                      brands=self._brand_keys())
        elif step == "card_last4":
            if not (len(text) == 4 and text.isdigit()):
                raise ValidationError("card_last4",
                                      "The last 4 digits of the card: exactly 4 digits.")
        elif step in self.pay_steps:  # the authorisation code, a wallet's operation number...
            self.payment()

    # -- results -------------------------------------------------------------------------

    def typed(self) -> TypedSale:
        """The fields as typed, for the one draft builder (`pos.domain.draft`)."""
        assert self.method is not None and self.doc_type is not None
        return TypedSale(
            operator=self.operator if self.operator is not None else "",
            phone=self.text["phone"], amount=self.text["amount"], method=self.method,
            id_type=self.doc_type.value, id_number=self.text["id"],
            tendered=self.text["tendered"] or None,  # empty: the exact amount
            card_brand=self.card_brand or "", card_last4=self.text["card_last4"],
            card_auth=self.text["card_auth"], op_number=self.text["op_number"])

    def document(self) -> IdDocument | None:
        """The document typed (None if none and the shop does not require one)."""
        if not self.text["id"]:
            require_document(None, self.rules.require_id)
            return None
        assert self.doc_type is not None
        return parse_document(self.doc_type, self.text["id"], "id")

    def cash_payment(self) -> CashPayment:
        amount = self.amount
        if amount is None:
            raise ValidationError("amount", "Enter an amount, e.g. 20 or 20.50.")
        return cash(amount, self.text["tendered"] or str(amount))

    def change(self) -> Decimal | None:
        """Live change for the cash field (None while it does not cover the amount)."""
        try:
            return self.cash_payment().change
        except ValidationError:
            return None

    def payment(self) -> Payment:
        assert self.method is not None
        if "tendered" in self.pay_steps:  # cash: its change depends on the amount
            return self.cash_payment()
        # Card and wallet payments do not depend on the amount.
        return typed_payment(self.method, Decimal("0"), self.typed(), self.rules)

    def draft(self) -> SaleDraft:
        """The complete sale; the first wrong field raises ValidationError."""
        for step in self.steps[:-1]:
            self._check(step, final=True)
        return build_draft(self.typed(), self.rules)

    # -- display -------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        steps = self.steps
        current = self.step
        done = set(steps[: steps.index(current)])
        rows: list[Row] = []

        def add(name: str, label: str, value: str, hint: str = "") -> None:
            rows.append(Row(name, label, value, hint if name == current else "",
                            self.errors.get(name, ""), name == current, name in done))

        ops = "  ".join(f"{o.key} {o.name}" for o in self.rules.operators.values())
        add("operator", _("Operator"), self.operator.name if self.operator else "", ops)
        presets = ""
        if self.operator is not None:
            presets = "  ".join(f"F{n} {format_money(p)}"
                                for n, p in enumerate(self.operator.presets, 1))
        complete = current == "phone" and self._complete_phone()
        add("phone", _("Phone"), group_phone(self.text["phone"]),
            presets if complete and presets else _("9 digits, starts with 9"))
        amount = self.amount
        add("amount", _("Amount"), format_money(amount) if amount is not None and
            current != "amount" else self.text["amount"], presets)
        assert self.doc_type is not None
        doc_keys = "  ".join(f"F{n} {t.label}" for n, t in enumerate(DocType, 1))
        add("id", _("Document"), f"{self.doc_type.label} {self.text['id']}", doc_keys)
        assert self.method is not None
        methods = "  ".join(f"F{n} {payment_method(m).label}" for n, m in
                            enumerate(self.rules.methods, 1))
        pay_steps = self.pay_steps
        label = payment_method(self.method).label
        for step in pay_steps:  # by field, so any method made of these fields shows right
            if step == "tendered":
                change = self.change() if amount is not None else None
                shown = self.text["tendered"]
                if current != "tendered" and not shown and amount is not None:
                    shown = ""
                value = f"{label}  {_('Received')}: {shown or _('exact')}"
                if change is not None:
                    value += f"  →  {_('Change')}: {format_money(change)}"
                elif amount is not None and shown:
                    value += "  " + _("(short)")
                add("tendered", _("Payment"), value, methods + "\n" + _("Enter: exact cash"))
            elif step == "card_brand":
                brand = (self.card_brand or "").title()
                add("card_brand", _("Payment"), f"{label}  {brand}",
                    self._brand_keys() + "\n" + methods)
            elif step == "card_last4":
                add("card_last4", _("Last 4"), self.text["card_last4"], methods)
            elif step == "card_auth":
                add("card_auth", _("Auth. code"), self.text["card_auth"], methods)
            elif step == "op_number":
                add("op_number", _("Payment"),
                    f"{label}  {_('Op. no.')}: {self.text['op_number']}", methods)
        assert set(pay_steps) <= {r.name for r in rows}
        return rows
