"""click in the clerk's language: our help texts and click's own messages.

- Command and option help stay English in pos/cli.py (docstrings, `help=`); they are message
  ids, translated when the help is shown (`TranslatedHelp`), so the language chosen at run time
  counts, not the one at import.
- click translates its own messages ("Usage:", "Missing option '--phone'.") with the standard
  library's `gettext`, which would follow the system's LANG: `route_click_messages` points
  click at our catalogue instead (its messages are in pos.po: pos/i18n_extract.py).
- `peek_locale`: the config's language before click parses anything, so `pos --help` and a
  usage error already speak it.
"""

from __future__ import annotations

import gettext
import inspect
import sys
from collections.abc import Sequence

import click
from click.formatting import HelpFormatter
from click.utils import make_default_short_help

from pos.i18n import _, ngettext

HELP_OPTION = "Show this message and exit."  # click's msgid for --help


def help_text(text: str) -> str:
    """A command's help as click shows it, and as its message id: dedented, cut at a \\f."""
    return inspect.cleandoc(text).partition("\f")[0]


class TranslatedHelp(click.Command):
    """Help of a command, its options and subcommands in the clerk's language (mixin)."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(inspect.cleandoc(self.short_help)).strip()
        if self.help:
            return make_default_short_help(_(help_text(self.help)), limit).strip()
        return ""

    def format_help_text(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(help_text(self.help)))

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        rows = [row for param in self.get_params(ctx)
                if (row := _help_record(param, ctx)) is not None]
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(inspect.cleandoc(self.epilog)))

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            # click translated it when it made the option (and keeps it): back to the msgid
            option.help = HELP_OPTION
        return option


def _help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    record = param.get_help_record(ctx)
    text = getattr(param, "help", None)
    if record is None or not text:
        return record
    names, shown = record
    # click appends "  [default: …; required]" (its own messages) after the help itself
    return names, _(text) + shown[len(text):] if shown.startswith(text) else shown


def route_click_messages() -> None:
    """Make click's `_` and `ngettext` ours, in every click module loaded (and so translated).

    click imports its shell completion only when asked to complete: loaded here (0.3 ms) so
    its messages are ours too. (click's pager and editor are never used by `pos`.)
    """
    import click.shell_completion  # noqa: F401

    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]


def peek_locale(args: Sequence[str]) -> str | None:
    """[shop] locale of the config.toml these arguments will use (None: no readable file, or
    it names none: the language stays the process's, Spanish unless set otherwise).

    Read raw, never validated here: the command loads the config properly and reports it.
    """
    from pos.locations import config_locale, find_config  # light; only when `pos` runs

    explicit: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--config" and i + 1 < len(args):
            explicit = args[i + 1]
        elif arg.startswith("--config="):
            explicit = arg.split("=", 1)[1]
    return config_locale(find_config(explicit)[0])
