"""The clerk list read straight from a SQLite ledger file, for the login screen at start-up.

Opening the ledger properly (SQLModel, SQLAlchemy, migrations check) takes about a second on
a small machine; the clerks' names are needed at once, so the clerk can pick a name and type
the PIN while the ledger opens. This reads them with the standard library, read-only, and
changes nothing; the PIN is still checked by the opened ledger (Shop.login), and the list is
replaced by the ledger's own as soon as it is open.
"""

from __future__ import annotations

from pathlib import Path


def active_clerks(url: str, base_dir: Path) -> list[tuple[str, bool]] | None:
    """(name, is_manager) of the active clerks, sorted by name; None when the ledger cannot
    be read this way (not SQLite, no file yet, no clerk table, locked or damaged)."""
    import sqlite3

    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            rows = con.execute("SELECT name, role FROM clerk WHERE active "
                               "ORDER BY name").fetchall()
        finally:
            con.close()
    except (sqlite3.Error, ValueError):
        return None
    return [(str(name), role == "manager") for name, role in rows]
