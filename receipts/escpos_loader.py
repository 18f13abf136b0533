"""Import python-escpos lazily and without its side effects.

Importing `escpos` costs ~200 ms, calls `logging.basicConfig()` (a stderr handler on the
root logger, which would draw over a Textual screen) and loads its capabilities database;
with ESCPOS_CAPABILITIES_PICKLE_DIR pointing at a cache folder that load is a pickle read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from types import ModuleType

_lock = threading.Lock()
PICKLE_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _prepare_pickle_dir() -> str | None:
    folder = os.environ.get(PICKLE_ENV)
    if not folder:
        import platformdirs

        folder = os.path.join(platformdirs.user_cache_dir("recarga-pos"), "escpos")
    try:
        # escpos fails with FileNotFoundError if the folder does not exist.
        os.makedirs(folder, exist_ok=True)
    except OSError:
        # Unwritable cache: let escpos fall back to its own temporary folder.
        if os.environ.get(PICKLE_ENV) == folder:
            del os.environ[PICKLE_ENV]
        return None
    os.environ[PICKLE_ENV] = folder
    return folder


@contextlib.contextmanager
def _stray_temp_dir_contained(folder: str | None) -> Iterator[None]:
    """Keep escpos's unused `mkdtemp()` out of /tmp and remove it afterwards.

    escpos.capabilities runs `environ.get(PICKLE_ENV, mkdtemp())`: the default is
    evaluated even when the variable is set, leaving an empty folder per process.
    """
    if folder is None:
        yield
        return
    import tempfile

    scratch = os.path.join(folder, "tmp")
    try:
        os.makedirs(scratch, exist_ok=True)
        existing = set(os.listdir(scratch))
    except OSError:
        yield
        return
    saved = tempfile.tempdir
    tempfile.tempdir = scratch
    try:
        yield
    finally:
        tempfile.tempdir = saved
        for name in set(os.listdir(scratch)) - existing:
            with contextlib.suppress(OSError):
                os.rmdir(os.path.join(scratch, name))  # only ever removes empty folders


@contextlib.contextmanager
def quiet_root_logger() -> Iterator[None]:
    """Undo root-logger handlers added meanwhile.

    escpos calls `logging.basicConfig()` on import, and its printer classes log through
    the module-level `logging.info()`/`logging.error()`, which do the same when the
    root logger has no handler yet.
    """
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers_before:
                root.removeHandler(handler)


_loaded: ModuleType | None = None


def escpos_printer() -> ModuleType:
    """Return the `escpos.printer` module, importing it on first use.

    Not `sys.modules` for the fast path: the module is there as soon as its import starts,
    so a second thread (preview and print right after a sale) would get it half-initialised
    ("partially initialized module 'escpos.printer' has no attribute 'Dummy'").
    """
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        if "escpos.printer" not in sys.modules:
            folder = _prepare_pickle_dir()
            with quiet_root_logger(), _stray_temp_dir_contained(folder):
                import escpos.printer
        import escpos.printer  # complete here: imported above, or by someone else before

        _loaded = escpos.printer
        return _loaded
