"""A small modal form (void, shift open/close, Z): Enter moves on, the last Enter submits.

`submit(values)` runs in a thread worker; a refusal stays on the form with its message
(a wrong PIN clears the PIN), a success dismisses with the result. Screens do not push
it: they call `PosApp.ask(title, fields, submit, done)` with `PromptField`s (pos.tui.base).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from pos.i18n import _
from pos.tui import keymap
from pos.tui.base import PosModal, PromptField
from pos.tui.widgets import KeyFooter


class PromptScreen(PosModal[Any]):
    def __init__(self, title: str, fields: list[PromptField],
                 submit: Callable[[dict[str, str]], Any], intro: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.intro = intro
        self.busy = False
        keymap.bind(self, keymap.PROMPT)

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="modal-box"):
            yield Label(self.title_text, classes="title")
            if self.intro:
                yield Static(self.intro)
            for f in self.fields:
                yield Label(f.label, classes="field-label")
                yield Input(f.value, id=f"field-{f.name}", password=f.password,
                            restrict=f.restrict, max_length=f.max_length,
                            select_on_focus=False)
            yield Static(_("Enter: next / accept · Esc: cancel"), id="prompt-message",
                         classes="message")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        first = next((f for f in self.fields if not f.value), self.fields[0])
        self.query_one(f"#field-{first.name}").focus()

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        names = [f.name for f in self.fields]
        current = (event.input.id or "").removeprefix("field-")
        index = names.index(current)
        if index + 1 < len(names):
            self.query_one(f"#field-{names[index + 1]}").focus()
            return
        if self.busy:
            return  # a second Enter while the first is being saved
        self.busy = True
        values = self.values()
        self._message(_("Working…"))
        self.pos_app.run_blocking(lambda: self.submit(values), self._done,
                              self._refused, name="prompt", node=self)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.dismiss(result)

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self._message(self.pos_app.error_text(exc), error=True)
        names = [f.name for f in self.fields]
        field = getattr(exc, "field", None)
        target = field if field in names else None
        if target is None:  # a wrong PIN: clear it and type again
            secret = next((f.name for f in self.fields if f.password), None)
            if secret is not None:
                self.query_one(f"#field-{secret}", Input).value = ""
                target = secret
        self.query_one(f"#field-{target or names[-1]}").focus()

    def _message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#prompt-message", Static)
        message.set_class(error, "-error")
        message.update(text)

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)
