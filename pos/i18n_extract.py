"""What `pybabel extract -F babel.cfg` finds: our source, plus everything click shows.

Used only when the catalogue is extracted (babel.cfg, tests/test_i18n.py), never at run time.

- `extract_python`: Babel's Python extractor, also taking the message of
  `ValidationError(field, "msgid")` (bad input carries its msgid as the second argument).
- `extract_cli`: the same for pos/cli.py, plus the help texts of every command and option (they
  are docstrings and `help=` strings, translated when the help is formatted: pos/clihelp.py) and
  click's own messages ("Usage:", "Missing option '--phone'.", …, read from the installed
  click), so `pos --help` and click's errors have their translations in our catalogue too.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract_python as _babel_python

# (lineno, funcname, message(s), comments), as Babel's extractors yield them
Found = tuple[int, Any, Any, Any]

MESSAGE_ARGUMENT = {"ValidationError": 1}  # function → index of its msgid argument
CLICK_COMPUTED = ("required",)  # click translates these from a variable: `_(extra["required"])`


def extract_python(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                   options: Mapping[str, Any]) -> Iterator[Found]:
    """Babel's Python extractor, plus `ValidationError(field, "msgid")` and calls in f-strings."""
    words = dict.fromkeys(keywords) | dict.fromkeys(MESSAGE_ARGUMENT)
    source = fileobj.read()
    fileobj.seek(0)
    found = _babel_python(fileobj, words, comment_tags, options)  # type: ignore[arg-type]
    for lineno, funcname, messages, comments in (*found, *_in_fstrings(source, words)):
        if funcname in MESSAGE_ARGUMENT:
            index = MESSAGE_ARGUMENT[funcname]
            args = messages if isinstance(messages, tuple) else (messages,)
            if len(args) > index and isinstance(args[index], str):
                yield lineno, None, args[index], comments
            continue
        yield lineno, funcname, messages, comments


def _in_fstrings(source: bytes, words: Collection[str]) -> Iterator[Found]:
    """`f"{_('Auth.')} {code}"`: Babel reads no f-string before Python 3.12; the AST does."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for call in ast.walk(node):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and call.func.id in words and call.args):
                args = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str)
                             else None for a in call.args)
                yield call.lineno, call.func.id, args if len(args) > 1 else args[0], []


def extract_cli(fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str],
                options: Mapping[str, Any]) -> Iterator[Found]:
    """pos/cli.py: its marked messages, its command and option help, and click's messages."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    yield from command_help()
    yield from click_messages(keywords, comment_tags)


def command_help() -> Iterator[Found]:
    """The help of every command, group and option of `pos`, as click will show it."""
    import click

    from pos.cli import main
    from pos.clihelp import help_text

    def walk(command: click.Command, path: str) -> Iterator[Found]:
        callback = command.callback
        lineno = inspect.getsourcelines(callback)[1] if callback else 1
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield lineno, None, help_text(text), [f"help: {path}"]
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                yield lineno, None, text, [f"help: {path} {param.opts[0]}"]
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, f"{path} {name}")

    yield from walk(main, "pos")


def click_messages(keywords: Collection[str], comment_tags: Collection[str]) -> Iterator[Found]:
    """click's own messages, from the installed click's source (click calls gettext on them)."""
    import click

    folder = Path(click.__file__).parent
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_win"):
            continue  # the Windows console only
        with path.open("rb") as fh:
            for lineno, funcname, messages, _comments in _babel_python(
                    fh, dict.fromkeys(keywords), comment_tags, {}):  # type: ignore[arg-type]
                yield 1, funcname, messages, [f"click: {path.name}:{lineno}"]
    for text in CLICK_COMPUTED:
        yield 1, None, text, ["click: computed"]
