"""The manager's back office (entered with a manager PIN): print queue, verify, export, clerks.

Each task is one entry in TASKS (its key, footer label and command-palette line) and one
`task_<name>` method, so a task is added in one place: clerk deactivate / reset PIN and the
backup come later that way. Long work (verify, export) runs in a thread worker with a
progress bar; nothing here touches the ledger except through the Shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, ProgressBar, Static

from pos.domain.errors import ValidationError
from pos.i18n import N_, _, ngettext
from pos.tui import keymap
from pos.tui.base import PosScreen, PromptField
from pos.tui.widgets import Banner, KeyFooter, TopBar

if TYPE_CHECKING:
    from pos.services import ClerkView


@dataclass(frozen=True)
class Task:
    key: str
    name: str  # the screen's `task_<name>` method
    label: str  # msgid, in the footer
    title: str  # msgid, in the command palette
    help: str  # msgid, in the command palette
    in_footer: bool = True  # False: the intro and the palette list it (80 columns)


TASKS: tuple[Task, ...] = (
    Task("p", "queue", N_("Queue"), N_("Print queue"),
         N_("Waiting or failed receipts: retry, or a COPY")),
    Task("v", "verify", N_("Verify"), N_("Verify the ledger"),
         N_("Check every chain and the recorded head")),
    Task("e", "export", N_("Export"), N_("Export the ledger"),
         N_("Entries of a date range to CSV, JSON or XLSX")),
    Task("a", "add_clerk", N_("Clerk"), N_("Add a clerk"),
         N_("A clerk or manager with a PIN")),
    Task("d", "deactivate_clerk", N_("Deactivate"), N_("Deactivate a clerk"),
         N_("They can no longer log in"), in_footer=False),
    Task("n", "reset_pin", N_("New PIN"), N_("Reset a clerk's PIN"),
         N_("A new PIN, lockout cleared"), in_footer=False),
    Task("b", "backup", N_("Backup"), N_("Back up the ledger"),
         N_("A copy with its key and witness"),
         in_footer=False),
)

# Keys that act on the print queue's selected job (shown while the queue is on screen).
QUEUE_KEYS = (
    keymap.Key("r", "retry", N_("Retry"), key_display="R"),
    keymap.Key("c", "copy", N_("Copy"), key_display="C"),
)


class BackOfficeScreen(PosScreen[None]):
    AUTO_FOCUS = "#queue-table"

    def __init__(self, manager: ClerkView, first_task: str | None = None) -> None:
        super().__init__()
        self.manager = manager
        self.first_task = first_task
        self.jobs: list[Any] = []
        self.busy = False
        keymap.bind(self, (keymap.Key("escape", "close", N_("Back")),
                           *(keymap.Key(t.key, f"task('{t.name}')", t.label,
                                        show=t.in_footer, key_display=t.key.upper())
                             for t in TASKS),
                           *QUEUE_KEYS, *keymap.quiet("ctrl+n", "ctrl+t", "ctrl+k", "ctrl+l")))

    def compose(self) -> ComposeResult:
        yield TopBar(_("Back office"))
        yield Static(self.intro(), id="office-intro")
        yield Banner(id="office-banner")
        yield ProgressBar(id="office-progress", show_eta=False)
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True,
                        cell_padding=0)
        yield KeyFooter(compact=True)

    def intro(self) -> Text:
        text = Text(_("Manager: {name}", name=self.manager.name), style="bold")
        for task in TASKS:
            text.append(f"\n  {task.key.upper()}  ", style="bold")
            text.append(f"{_(task.title)}: {_(task.help)}")
        return text

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        table = self.query_one(DataTable)
        table.add_columns(*(f"{label} " for label in (_("Job"), _("Ticket"), _("Kind"),
                                                       _("Status"), _("Tries"))),
                          _("Error"))
        self.task_queue()
        if self.first_task:
            self.action_task(self.first_task)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("retry", "copy"):
            return bool(self.jobs) and not self.busy
        if action == "task":
            return None if self.busy else True
        return True

    def action_close(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    def action_task(self, name: str) -> None:
        if not self.busy:
            getattr(self, f"task_{name}")()

    # -- work in a thread ------------------------------------------------------------------

    def _run(self, work: Any, done: Any, doing: str) -> None:
        self.busy = True
        self.refresh_bindings()
        self.query_one(Banner).show(doing)

        def finished(value: Any) -> None:
            self.busy = False
            self.refresh_bindings()
            done(value)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.refresh_bindings()
            self.query_one(ProgressBar).display = False
            self.query_one(Banner).show(self.pos_app.error_text(exc), "error")

        self.pos_app.run_blocking(work, finished, failed, name="office", node=self)

    def _progress(self) -> Any:
        """A progress bar counting entries (their number is not known in advance)."""
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)

        def step(count: int) -> None:
            try:
                self.app.call_from_thread(self._step, count)
            except RuntimeError:  # the app is closing
                pass

        return step

    def _step(self, count: int) -> None:
        self.query_one(ProgressBar).update(total=max(count, 1), progress=count)
        self.query_one(Banner).show(ngettext("{count} entry so far…", "{count} entries so far…",
                                             count, count=count))

    # -- print queue -----------------------------------------------------------------------

    def task_queue(self) -> None:
        shop = self.shop
        self._run(lambda: shop.print_queue(pending_only=False), self._show_queue,
                  _("Reading the print queue…"))

    def _show_queue(self, jobs: list[Any]) -> None:
        self.jobs = jobs
        table = self.query_one(DataTable)
        table.clear()
        # "failed" alone is a top-up state (Spanish "fallida"): a print job has its own msgid.
        statuses = {"pending": _("waiting"), "failed": _("print failed"),
                    "printed": _("printed"), "sending": _("sending"),
                    "unconfirmed": _("unconfirmed"), "replaced": _("replaced")}
        kinds = {"sale": _("sale"), "void": _("void"), "reprint": _("copy"), "shift": _("shift"),
                 "x": "X", "z": "Z"}
        for job in jobs:
            table.add_row(f"{job.id} ", f"{job.ticket} ", f"{kinds.get(job.kind, job.kind)} ",
                          f"{statuses.get(job.status, job.status)} ", f"{job.attempts} ",
                          (job.last_error or "")[:30], key=str(job.id))
        waiting = sum(1 for job in jobs if job.status != "printed")
        self.query_one(Banner).show(
            _("Print queue: {waiting} waiting of {count}. R retries the selected one, C "
              "prints a COPY.", waiting=waiting, count=len(jobs)))
        self.refresh_bindings()

    def _selected(self) -> Any:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.jobs[row] if 0 <= row < len(self.jobs) else None

    def action_retry(self) -> None:
        job = self._selected()
        if job is None or self.busy:
            return
        shop = self.shop
        self._run(lambda: shop.print_job(job.id), self._printed, _("Printing…"))

    def action_copy(self) -> None:
        job = self._selected()
        if job is None or self.busy:
            return
        shop = self.shop
        self._run(lambda: shop.reprint(job.ticket), self._printed, _("Printing…"))

    def _printed(self, outcome: Any) -> None:
        shop = self.shop

        def show(jobs: list[Any]) -> None:
            self._show_queue(jobs)
            self.query_one(Banner).show_print_outcome(
                outcome, _("The receipt waits in the print queue."))

        self._run(lambda: shop.print_queue(pending_only=False), show, _("Printing…"))

    # -- verify ----------------------------------------------------------------------------

    def task_verify(self) -> None:
        shop = self.shop
        step = self._progress()
        self._run(lambda: shop.verify(step), self._verified, _("Verifying the ledger…"))

    def _verified(self, result: Any) -> None:
        entries = getattr(result, "entries", None)
        bar = self.query_one(ProgressBar)
        total = entries if isinstance(entries, int) and entries > 0 else 1
        bar.update(total=total, progress=total)
        self.query_one(Banner).show(
            ngettext("Ledger verified: every chain is whole ({count} entry).",
                     "Ledger verified: every chain is whole ({count} entries).",
                     entries if entries is not None else 2,  # unknown ("?"): plural
                     count=entries if entries is not None else "?"), "ok")

    # -- export ----------------------------------------------------------------------------

    def task_export(self) -> None:
        shop = self.shop
        today = shop.today().isoformat()
        default = shop.settings.base_dir / f"export-{today}.csv"

        def check(values: dict[str, str]) -> tuple[date, date, str, Path]:
            try:
                start = date.fromisoformat(values["start"].strip())
                end = date.fromisoformat(values["end"].strip() or values["start"].strip())
            except ValueError:
                raise ValidationError("start", N_("Write dates as YYYY-MM-DD, e.g. "
                                                  "2026-11-25.")) from None
            fmt = values["format"].strip().lower() or "csv"
            if fmt not in ("csv", "json", "xlsx"):
                raise ValidationError("format", N_("The format is csv, json or xlsx."))
            path = Path(values["path"].strip()).expanduser()
            if not path.is_absolute():
                path = shop.settings.base_dir / path
            if path.exists():
                raise ValidationError("path", N_("{path} already exists: choose another "
                                                 "name."), path=str(path))
            return start, end, fmt, path

        fields = [PromptField("start", _("From (YYYY-MM-DD)"), today, max_length=10),
                  PromptField("end", _("To (YYYY-MM-DD)"), today, max_length=10),
                  PromptField("format", _("Format (csv, json, xlsx)"), "csv", max_length=4),
                  PromptField("path", _("Save as"), str(default), max_length=300)]
        self.pos_app.ask(_("Export the ledger"), fields, check, self._export)

    def _export(self, params: tuple[date, date, str, Path] | None) -> None:
        if params is None:
            return
        start, end, fmt, path = params
        shop = self.shop
        step = self._progress()
        self._run(lambda: shop.export(start, end, fmt, path, step),
                  lambda rows: self._exported(rows, path), _("Exporting…"))

    def _exported(self, rows: int, path: Path) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(rows, 1), progress=max(rows, 1))
        self.query_one(Banner).show(ngettext("Exported {count} row to {path}.",
                                             "Exported {count} rows to {path}.", rows,
                                             count=rows, path=str(path)), "ok")

    # -- clerks ----------------------------------------------------------------------------

    def task_add_clerk(self) -> None:
        shop = self.shop
        manager = self.manager  # the manager whose PIN opened the back office authorises it

        def add(values: dict[str, str]) -> Any:
            # C clerk; M manager (E "encargado" in Spanish).
            role = {"": "clerk", "c": "clerk", "m": "manager", "e": "manager"}.get(
                values["role"].strip().lower()[:1])
            if role is None:
                raise ValidationError("role", N_("Role: C (clerk) or M (manager)."))
            if values["pin"] != values["again"]:
                raise ValidationError("again", N_("The two PINs differ."))
            return shop.add_clerk(values["name"].strip(), role, values["pin"], by=manager)

        fields = [PromptField("name", _("Name"), max_length=40),
                  PromptField("role", _("Role: C clerk, M manager"), "C", max_length=1),
                  PromptField("pin", _("PIN (4 to 8 digits)"), password=True,
                              restrict=r"[0-9]*", max_length=8),
                  PromptField("again", _("PIN again"), password=True, restrict=r"[0-9]*",
                              max_length=8)]
        self.pos_app.ask(_("Add a clerk"), fields, add, self._added)

    def _added(self, clerk: Any) -> None:
        if clerk is not None:
            self.query_one(Banner).show(_("{name} can log in now.", name=clerk.name), "ok")

    def task_deactivate_clerk(self) -> None:
        shop, manager = self.shop, self.manager
        self.pos_app.ask(
            _("Deactivate a clerk"), [PromptField("name", _("Name"), max_length=40)],
            lambda values: shop.deactivate_clerk(manager, values["name"].strip()),
            self._clerk_done)

    def task_reset_pin(self) -> None:
        shop, manager = self.shop, self.manager

        def reset(values: dict[str, str]) -> Any:
            if values["pin"] != values["again"]:
                raise ValidationError("again", N_("The two PINs differ."))
            return shop.set_pin(values["name"].strip(), values["pin"], by=manager)

        fields = [PromptField("name", _("Name"), max_length=40),
                  PromptField("pin", _("PIN (4 to 8 digits)"), password=True,
                              restrict=r"[0-9]*", max_length=8),
                  PromptField("again", _("PIN again"), password=True, restrict=r"[0-9]*",
                              max_length=8)]
        self.pos_app.ask(_("Reset a clerk's PIN"), fields, reset, self._clerk_done)

    def _clerk_done(self, clerk: Any) -> None:
        if clerk is not None:
            self.query_one(Banner).show(_("Done: {name}.", name=clerk.name), "ok")

    def task_backup(self) -> None:
        shop = self.shop

        def copy(values: dict[str, str]) -> Any:
            target = values["path"].strip()
            if not target:
                raise ValidationError("output", N_("Write the file to copy the ledger to."))
            return shop.backup(Path(target).expanduser())

        self.pos_app.ask(
            _("Back up the ledger"),
            [PromptField("path", _("Copy to (a new file)"), max_length=300)], copy,
            self._backed_up)

    def _backed_up(self, files: Any) -> None:
        if files:
            self.query_one(Banner).show(_("Backup written: {path}", path=str(files[0])), "ok")
