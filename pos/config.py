"""config.toml → typed, validated settings. A bad file stops start-up with file, key and reason."""

from __future__ import annotations

import os
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pos.domain import payment
from pos.domain.sale import Operator
from pos.i18n import N_, _
from pos.locations import config_candidates, user_data_dir

if TYPE_CHECKING:
    from pos.domain.draft import DraftRules


class ConfigError(Exception):
    """config.toml cannot be used: which file, which key, and why."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}" if key else f"{file}: {reason}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # Text from config.toml ends up on the screen and the printer: a control character
        # (ESC, a raw newline) would inject printer or terminal commands.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and any(unicodedata.category(c) == "Cc" for c in t)
               for t in texts):
            raise ValueError(N_("must not contain control characters (tabs, line breaks, ESC)"))
        return value


# Sane limits for the owner's text: a line of receipt text, a short name.
ReceiptLine = Annotated[str, Field(max_length=120)]
ShortName = Annotated[str, Field(min_length=1, max_length=20)]


class ShopSettings(_Section):
    name: str = Field("Mi Bodega", min_length=1, max_length=80)
    ruc: str = "10456789019"
    address: str = Field("", max_length=200)
    series: str = Field("R001", pattern=r"^[A-Z][A-Z0-9]{3}$")
    locale: Literal["es_PE", "es", "en"] = "es_PE"
    timezone: str = "America/Lima"
    require_id: bool = True

    @field_validator("ruc")
    @classmethod
    def _ruc(cls, value: str) -> str:
        from stdnum.pe import ruc

        if not ruc.is_valid(value):
            raise ValueError(N_("not a valid RUC (11 digits with a correct check digit)"))
        return ruc.compact(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(N_("unknown time zone, e.g. America/Lima")) from None
        return value


class LedgerSettings(_Section):
    url: str = Field("sqlite:///ledger.db", max_length=1000)
    id_storage: Literal["masked", "full"] = "masked"
    key_file: str = Field("ledger.key", min_length=1, max_length=1000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not (value.startswith("sqlite:///") or value.startswith("postgresql")):
            raise ValueError(N_("use sqlite:///FILE or postgresql+psycopg://user@host/db"))
        return value


class PrinterSettings(_Section):
    kind: Literal["file", "network", "usb", "serial", "cups", "none"] = "file"
    path: str = Field("receipts-out/printer.bin", max_length=1000)
    host: str = Field("127.0.0.1", max_length=253)
    port: int = Field(9100, ge=1, le=65535)
    timeout: float = Field(3.0, gt=0, le=60)
    usb_vendor: int = Field(0, ge=0, le=0xFFFF)
    usb_product: int = Field(0, ge=0, le=0xFFFF)
    serial_port: str = Field("/dev/ttyS0", max_length=255)
    baudrate: int = 9600
    cups_name: str = Field("", max_length=127)
    # Columns of the receipt: "auto" = the profile's font A; font B is chosen where a profile
    # that knows its paper needs it (a TM-T88 prints 42 columns in font A, 56 in font B).
    width: int | str = 48
    profile: str = Field("default", max_length=60)
    cash_drawer: bool = False
    # Wait for the printer's status answer (DLE EOT) before a receipt counts as printed.
    # Unset: on for network, usb and serial; off for file, cups and none (nobody answers).
    status_check: bool | None = None

    @field_validator("width", mode="before")
    @classmethod
    def _width(cls, value: Any) -> int | str:
        if value == "auto":
            return "auto"
        if isinstance(value, int) and not isinstance(value, bool) and 24 <= value <= 64:
            return value
        raise ValueError(N_('use "auto" or 24 to 64 columns (32 for 58 mm paper, 42 or 48 '
                            'for 80 mm)'))


class OperatorSettings(_Section):
    name: str = Field(min_length=1, max_length=20)
    key: str = Field(pattern=r"^[1-9]$")
    min: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0, le=10000)
    presets: list[Annotated[Decimal, Field(gt=0)]] = []
    promotion: list[ReceiptLine] = Field([], max_length=5)

    @model_validator(mode="after")
    def _range(self) -> OperatorSettings:
        if self.min > self.max:
            raise ValueError(N_("min is larger than max"))
        for value in (self.min, self.max, *self.presets):
            if value != value.quantize(Decimal("0.01")):  # amounts are whole céntimos
                raise ValueError(_("{value} has more than 2 decimals", value=value))
        for preset in self.presets:
            if not self.min <= preset <= self.max:
                raise ValueError(_("preset {preset} is outside min..max", preset=preset))
        if len(self.presets) > 9:
            raise ValueError(N_("at most 9 presets"))
        return self


def _payment_key(value: str) -> str:
    """A method of the payment registry (pos.domain.payment), by its key."""
    keys = list(payment.PAYMENT_METHODS)  # read now: the registry, not a list copied here
    if value not in keys:
        raise PydanticCustomError("literal_error", "Input should be {expected}",
                                  {"expected": payment.methods_text([repr(k) for k in keys])})
    return value


PaymentKey = Annotated[str, AfterValidator(_payment_key)]


class PaymentSettings(_Section):
    methods: list[PaymentKey] = Field(default_factory=lambda: list(payment.PAYMENT_METHODS))
    card_brands: list[ShortName] = Field(["visa", "mastercard", "amex", "diners"],
                                         max_length=12)

    @field_validator("methods")
    @classmethod
    def _methods(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(N_("at least one payment method"))
        return value


class ReceiptSettings(_Section):
    footer: list[ReceiptLine] = Field(["¡Gracias por su compra!"], max_length=8)
    # The slip is not a comprobante de pago: SUNAT's boletas and facturas carry an authorised
    # series and correlative number, which this POS does not issue. Unset (None), every sale
    # slip says so in the shop's language; "" removes the line (a shop whose slip is printed
    # on authorised stock, say); any other text replaces it.
    notice: str | None = Field(None, max_length=200)


class CashSettings(_Section):
    """The drawer: how a shift's count is taken and when it needs a manager."""

    # A shift's surplus or shortage beyond this (soles) needs a manager's PIN to close.
    tolerance: Decimal = Field(Decimal("2.00"), ge=0, le=10000, decimal_places=2)
    # Blind count: the clerk counts before the app shows what the drawer should hold.
    blind_count: bool = False
    # The clock may move this many days past the newest entry before a manager confirms it.
    max_clock_jump_days: int = Field(7, ge=1, le=366)


class SecuritySettings(_Section):
    """PIN throttling: after `max_failures` wrong PINs in a row a clerk is locked out."""

    max_failures: int = Field(5, ge=1, le=50)
    lockout_minutes: int = Field(5, ge=1, le=24 * 60)
    failure_delay: float = Field(0.5, ge=0, le=10)  # seconds, after each wrong PIN


class UISettings(_Section):
    idle_lock_minutes: int = Field(5, ge=0, le=240)
    theme: str = Field("textual-dark", max_length=60)


# -- top-up gateway (issue 13) ---------------------------------------------------------------

GatewayKind = Literal["manual", "none", "http"]


class TopupHttpSettings(_Section):
    """An aggregator's JSON API. The credential (a bearer token) is never in config.toml: it is
    read from `credentials_file` or from the environment variable `credentials_env`."""

    base_url: str = ""
    credentials_file: str = ""
    credentials_env: str = ""
    connect_timeout: float = Field(5.0, gt=0, le=60)
    timeout: float = Field(30.0, gt=0, le=120)
    country_code: str = Field("PE", pattern=r"^[A-Z]{2}$")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if value and not (value.startswith("https://") or value.startswith("http://")):
            raise ValueError(N_("use https://HOST/PATH"))
        return value.rstrip("/")


class TopupOperatorSettings(_Section):
    gateway: GatewayKind | None = None
    account: str | None = Field(None, min_length=1, max_length=20)


class TopupSettings(_Section):
    # "none" when config.toml has no [topup]: ledgers and scripts keep working as before; the
    # shipped config.toml turns on "manual", what a shop runs with.
    gateway: GatewayKind = "none"
    account: str = Field("main", min_length=1, max_length=20)  # the distributor account (float)
    low_float: Decimal = Field(Decimal("100"), ge=0)
    reference_prefix: str = Field("", pattern=r"^[A-Za-z0-9._-]{0,16}$")
    # A top-up the distributor still does not know after this long was never received: it
    # fails and is refunded (the reconciler never sends it again).
    give_up_minutes: int = Field(15, ge=2, le=1440)
    http: TopupHttpSettings = TopupHttpSettings()
    operators: dict[str, TopupOperatorSettings] = {}

    @model_validator(mode="after")
    def _http(self) -> TopupSettings:
        kinds = {self.gateway} | {o.gateway for o in self.operators.values() if o.gateway}
        if "http" in kinds:
            if not self.http.base_url:
                raise ValueError(N_("the http gateway needs [topup.http] base_url"))
            if not (self.http.credentials_file or self.http.credentials_env):
                raise ValueError(N_("the http gateway needs [topup.http] credentials_file or "
                                    "credentials_env (never the secret itself)"))
        return self


DEFAULT_OPERATORS: dict[str, dict[str, Any]] = {
    "claro": {"name": "Claro", "key": "1", "min": 3, "max": 300, "presets": [5, 10, 20, 30, 50]},
    "movistar": {"name": "Movistar", "key": "2", "min": 3, "max": 300,
                 "presets": [5, 10, 20, 30, 50]},
    "entel": {"name": "Entel", "key": "3", "min": 3, "max": 300, "presets": [5, 10, 20, 30, 50]},
    "bitel": {"name": "Bitel", "key": "4", "min": 1, "max": 300, "presets": [5, 10, 20, 30, 50]},
}


class SettingsModel(_Section):
    shop: ShopSettings = ShopSettings()
    ledger: LedgerSettings = LedgerSettings()
    printer: PrinterSettings = PrinterSettings()
    operators: dict[str, OperatorSettings] = Field(
        default_factory=lambda: {k: OperatorSettings(**v) for k, v in DEFAULT_OPERATORS.items()})
    payments: PaymentSettings = PaymentSettings()
    receipt: ReceiptSettings = ReceiptSettings()
    cash: CashSettings = CashSettings()
    ui: UISettings = UISettings()
    security: SecuritySettings = SecuritySettings()
    topup: TopupSettings = TopupSettings()  # issue 13

    @model_validator(mode="after")
    def _topup_operators(self) -> SettingsModel:  # issue 13
        for code in self.topup.operators:
            if code not in self.operators:
                raise ValueError(_("[topup.operators.{code}]: no such operator", code=code))
        return self

    @field_validator("operators")
    @classmethod
    def _operators(cls, value: dict[str, OperatorSettings]) -> dict[str, OperatorSettings]:
        if not value:
            raise ValueError(N_("at least one operator"))
        keys = [op.key for op in value.values()]
        if len(set(keys)) != len(keys):
            raise ValueError(N_("two operators share the same key"))
        return value


@dataclass(frozen=True)
class Settings:
    """The validated configuration plus where it came from."""

    model: SettingsModel
    source: Path | None  # None: embedded defaults
    base_dir: Path  # relative paths resolve here

    @property
    def shop(self) -> ShopSettings:
        return self.model.shop

    @property
    def ledger(self) -> LedgerSettings:
        return self.model.ledger

    @property
    def printer(self) -> PrinterSettings:
        return self.model.printer

    @property
    def payments(self) -> PaymentSettings:
        return self.model.payments

    @property
    def receipt(self) -> ReceiptSettings:
        return self.model.receipt

    @property
    def cash(self) -> CashSettings:
        return self.model.cash

    @property
    def ui(self) -> UISettings:
        return self.model.ui

    @property
    def security(self) -> SecuritySettings:
        return self.model.security

    @property
    def topup(self) -> TopupSettings:  # issue 13
        return self.model.topup

    def draft_rules(self) -> DraftRules:
        """What this config says a sale may be: the one place settings become `DraftRules`
        (the command line's `Sales.build_draft` and the sale screen's form both ask here)."""
        return self._draft_rules

    @cached_property
    def _draft_rules(self) -> DraftRules:
        # Built once per settings (immutable; a reload is a new object), not at every sale.
        # lazy: the sale rules load after the login screen's first frame, not with the config
        from pos.domain.draft import DraftRules

        return DraftRules(self.operators, tuple(self.payments.methods),
                          tuple(self.payments.card_brands), self.shop.require_id)

    @cached_property
    def operators(self) -> dict[str, Operator]:
        """Operators as domain values, in key order."""
        ops = sorted(self.model.operators.items(), key=lambda kv: kv[1].key)
        return {
            code: Operator(code=code, name=o.name, key=o.key, min=o.min, max=o.max,
                           presets=tuple(o.presets), promotion=tuple(o.promotion))
            for code, o in ops
        }

    def resolve(self, path: str) -> Path:
        """A config path made absolute against the config file's folder."""
        p = Path(os.path.expanduser(path))
        return p if p.is_absolute() else self.base_dir / p

    @property
    def ledger_url(self) -> str:
        """The ledger URL, a relative SQLite path resolved next to config.toml."""
        url = self.ledger.url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            return "sqlite:///" + str(self.resolve(url.removeprefix("sqlite:///")))
        return url

    @property
    def key_path(self) -> Path:
        return self.resolve(self.ledger.key_file)

    @property
    def printer_path(self) -> Path:
        return self.resolve(self.printer.path)


def _key_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if not parts:
        return ""
    if len(parts) == 1:
        return f"[{parts[0]}]"
    if parts[:2] == ["topup", "operators"] and len(parts) >= 3:  # issue 13
        return f"[topup.operators.{parts[2]}] {'.'.join(parts[3:])}".rstrip()
    if parts[:2] == ["topup", "http"]:
        return f"[topup.http] {'.'.join(parts[2:])}".rstrip()
    if parts[0] == "operators" and len(parts) >= 2:  # [operators.claro] is one TOML table
        return f"[operators.{parts[1]}] {'.'.join(parts[2:])}".rstrip()
    return f"[{parts[0]}] {'.'.join(parts[1:])}"


# Pydantic's error types → what the owner reads, in the shop's language (pos/locale_es.py).
_REASONS = {
    "extra_forbidden": N_("unknown key (check the spelling)"),
    "missing": N_("required key is missing"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text in quotes"),
    "list_type": N_("must be a list, e.g. [1, 2]"),
    "dict_type": N_("must be a section"),
    "model_type": N_("must be a section"),
    "literal_error": N_("must be one of: {expected}"),
    "string_pattern_mismatch": N_("has the wrong form (expected pattern {pattern})"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long (at most {max_length} characters)"),
    "too_long": N_("has too many entries (at most {max_length})"),
    "greater_than": N_("must be more than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
}


def _reason(err: Any) -> str:
    ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    if err["type"] == "value_error":
        original = err.get("ctx", {}).get("error")
        text = str(original) if original is not None else err["msg"]
        return _(text.removeprefix("Value error, "))
    msgid = _REASONS.get(err["type"])
    if msgid is None:
        return str(err["msg"])
    try:
        return _(msgid, **ctx)
    except (KeyError, IndexError):
        return _(msgid) if "{" not in msgid else str(err["msg"])


def parse_settings(data: dict[str, Any], file: str, base_dir: Path) -> Settings:
    """Validate a parsed TOML document."""
    try:
        model = SettingsModel.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(file, _key_of(err["loc"]), _reason(err)) from None
    return Settings(model=model, source=Path(file) if file != "<defaults>" else None,
                    base_dir=base_dir)


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Find and load config.toml (see `config_candidates`); embedded defaults if none exists."""
    candidates = config_candidates(explicit)
    for path in candidates:
        if path.is_file():
            return load_file(path)
        if path.exists():
            raise ConfigError(str(path), "", "is not a file")
    if explicit or os.environ.get("POS_CONFIG"):
        raise ConfigError(str(candidates[0]), "", "file not found")
    return parse_settings({}, "<defaults>", user_data_dir())


def load_file(path: Path) -> Settings:
    """Load one config file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"is not valid TOML: {exc}") from None
    return parse_settings(data, str(path), path.resolve().parent)
