"""The manual gateway: the clerk tops the phone up on the distributor's app or terminal and
types the operator's confirmation code; nothing is sent from here."""

from __future__ import annotations

from decimal import Decimal

from pos.topup.gateway import Answer, State, TopupRequest


class ManualGateway:
    name = "manual"
    sends = False

    def send(self, request: TopupRequest) -> Answer:
        return Answer(State.PENDING)

    def query(self, reference: str) -> Answer:
        return Answer(State.PENDING)  # only the clerk knows: `pos topup resolve`

    def balance(self) -> Decimal | None:
        return None
