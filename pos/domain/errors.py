"""The domain's one exception: a field the clerk got wrong."""

from __future__ import annotations

from pos.i18n import _


class ValidationError(ValueError):
    """A refused field: which field, and a translatable message saying what is expected."""

    def __init__(self, field: str, msgid: str, **params: object) -> None:
        self.field = field
        self.msgid = msgid
        self.params = params
        super().__init__(msgid)

    @property
    def message(self) -> str:
        """The message in the clerk's current language."""
        return _(self.msgid, **self.params)

    def __str__(self) -> str:
        return self.message
