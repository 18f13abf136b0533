"""The `http` gateway: an aggregator's JSON API through httpx, in the shape they share.

    POST {base_url}/topups                      {"customIdentifier": REF, "operator": "claro",
                                                 "amount": "10.00", "recipientPhone":
                                                 {"countryCode": "PE", "number": "987654321"}}
    GET  {base_url}/topups/reports/transactions?customIdentifier=REF   → {"content": [TXN]}
    GET  {base_url}/accounts/balance            → {"balance": 990.0, "currencyCode": "PEN"}

    TXN = {"transactionId": 42, "status": "SUCCESSFUL", "operatorTransactionId": "…",
           "customIdentifier": REF, "balanceInfo": {"newBalance": 990.0}}

That is Reloadly's shape (DT One names the key `external_id`, Ding `DistributorRef`; their
status words are in `gateway.STATUS_MAP` too). Authorisation: `Bearer TOKEN`, the token read
from a file or an environment variable, never from config.toml.

The rules that keep money right: a send that gets no readable final answer is UNKNOWN (the
reconciler asks by reference); a send refused before processing (401/403, insufficient
balance, a bad request) is FAILED; a "duplicate reference" answer is resolved by asking for
the existing transaction, never by sending again.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos.topup.gateway import Answer, State, TopupRequest, map_status

if TYPE_CHECKING:
    import httpx

    from pos.config import TopupHttpSettings

INSUFFICIENT = {"insufficient_balance", "insufficient_funds", "balance_insufficient"}
DUPLICATE = {"duplicate_custom_identifier", "duplicate_reference", "duplicate_external_id",
             "duplicate_distributor_ref"}


class CredentialsMissing(Exception):
    """The http gateway's token could not be read."""


def read_token(settings: TopupHttpSettings, base_dir: Path) -> str:
    """The bearer token: from `credentials_env` when set in the environment, else the file."""
    if settings.credentials_env and os.environ.get(settings.credentials_env):
        return os.environ[settings.credentials_env].strip()
    if settings.credentials_file:
        path = Path(os.path.expanduser(settings.credentials_file))
        path = path if path.is_absolute() else base_dir / path
        try:
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CredentialsMissing(f"{path}: {exc.strerror}") from None
        if token:
            return token
        raise CredentialsMissing(f"{path}: empty")
    raise CredentialsMissing(settings.credentials_env or "credentials")


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _text(value: object) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()[:40]
    return None


def answer_from_transaction(txn: Any) -> Answer:
    """One transaction object → our answer (UNKNOWN if it is not one)."""
    if not isinstance(txn, dict):
        return Answer(State.UNKNOWN, reason="not a transaction object")
    state = map_status(txn.get("status"))
    info = txn.get("balanceInfo")
    balance = _decimal(info.get("newBalance")) if isinstance(info, dict) else None
    operator_txn = _text(txn.get("operatorTransactionId"))
    if state is State.CONFIRMED and operator_txn is None:
        # Confirmed without the operator's id: the receipt could not prove it. Ask again.
        return Answer(State.PENDING, gateway_txn=_text(txn.get("transactionId")), balance=balance,
                      reason="confirmed without operatorTransactionId")
    reason = _text(txn.get("errorMessage") or txn.get("message")) if state is State.FAILED else None
    return Answer(state, operator_txn if state is State.CONFIRMED else None,
                  _text(txn.get("transactionId")), balance, reason,
                  "rejected" if state is State.FAILED else None)


class HttpGateway:
    """One aggregator account over HTTPS."""

    name = "http"
    sends = True

    def __init__(self, settings: TopupHttpSettings, token: str, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        import httpx  # only shops that configure an http gateway pay for importing httpx

        self._httpx = httpx
        self.settings = settings
        self._client = httpx.Client(
            base_url=settings.base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    # -- the port --------------------------------------------------------------------------

    def send(self, request: TopupRequest) -> Answer:
        body = {
            "customIdentifier": request.reference,
            "operator": request.operator,
            "amount": str(request.amount),
            "useLocalAmount": True,
            "recipientPhone": {"countryCode": self.settings.country_code,
                               "number": request.phone},
        }
        try:
            response = self._client.post("/topups", json=body)
        except self._httpx.ConnectError as exc:
            # Nothing reached the aggregator. Still UNKNOWN, not FAILED: a connection can fail
            # after the request went out, and only asking by reference tells.
            return Answer(State.UNKNOWN, reason=f"connect: {exc}"[:200])
        except self._httpx.HTTPError as exc:
            return Answer(State.UNKNOWN, reason=f"{type(exc).__name__}: {exc}"[:200])
        status = response.status_code
        payload = _json(response)
        if status in (401, 403):
            # Refused at the door: the top-up was not processed. The owner must fix the token.
            return Answer(State.FAILED, reason=f"HTTP {status}: credentials refused", code="auth")
        error = _error_code(payload)
        if error in DUPLICATE:
            # The aggregator already holds a top-up with this reference: that one is ours.
            return self.query(request.reference)
        if error in INSUFFICIENT:
            balance = _decimal(payload.get("balance")) if isinstance(payload, dict) else None
            return Answer(State.FAILED, balance=balance, reason="insufficient balance",
                          code="insufficient_balance")
        if 200 <= status < 300:
            return answer_from_transaction(payload)
        if status in (400, 404, 422):  # refused as invalid: not processed
            message = payload.get("message") if isinstance(payload, dict) else None
            return Answer(State.FAILED, reason=f"HTTP {status}: {message or error}"[:200],
                          code="rejected")
        return Answer(State.UNKNOWN, reason=f"HTTP {status}")  # 5xx, 409 without code, …

    def query(self, reference: str) -> Answer:
        try:
            response = self._client.get("/topups/reports/transactions",
                                        params={"customIdentifier": reference})
        except self._httpx.HTTPError as exc:
            return Answer(State.UNKNOWN, reason=f"{type(exc).__name__}: {exc}"[:200])
        if response.status_code == 404:
            return Answer(State.NOT_FOUND)
        if not 200 <= response.status_code < 300:
            return Answer(State.UNKNOWN, reason=f"HTTP {response.status_code}")
        payload = _json(response)
        content = payload.get("content") if isinstance(payload, dict) else None
        if not isinstance(content, list):
            return Answer(State.UNKNOWN, reason="unreadable answer")
        mine = [t for t in content if isinstance(t, dict)
                and t.get("customIdentifier") == reference]
        if not mine:
            return Answer(State.NOT_FOUND)
        return answer_from_transaction(mine[0])

    def balance(self) -> Decimal | None:
        try:
            response = self._client.get("/accounts/balance")
        except self._httpx.HTTPError:
            return None
        payload = _json(response)
        if response.status_code != 200 or not isinstance(payload, dict):
            return None
        return _decimal(payload.get("balance"))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_code(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    code = payload.get("errorCode") or payload.get("code")
    return code.strip().lower() if isinstance(code, str) else None
