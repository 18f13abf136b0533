"""The shop the in-process benchmarks set up alike: its folder's config opened as a Shop, and
its staff."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_shop(folder: Path, config: str | None = None) -> Any:
    """Write `config` (when given) as folder/config.toml, load it, speak the shop's language
    and open the Shop."""
    from pos.config import load_file
    from pos.i18n import set_locale
    from pos.services import Shop

    path = folder / "config.toml"
    if config is not None:
        path.write_text(config, encoding="utf-8")
    settings = load_file(path)
    set_locale(settings.shop.locale)
    return Shop.open(settings)


def add_staff(shop: Any) -> Any:
    """Manager Rosa (1234), the first clerk of a new ledger, adds clerk Juan (5678); Rosa."""
    rosa = shop.add_clerk("Rosa", "manager", "1234")
    shop.add_clerk("Juan", "clerk", "5678", by=rosa)
    return rosa


def compile_tree() -> None:
    """Our packages' bytecode, as an installed `pos` has it: pip compiles a package when it
    installs it, an editable install writes it on the first run. Written even under
    PYTHONDONTWRITEBYTECODE=1 (compileall), which would otherwise make every timed process
    recompile our modules from source while the baselines read their libraries' bytecode."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("pos", "receipts"):
        if not compileall.compile_dir(root / package, quiet=1):
            raise RuntimeError(f"{package} does not compile")
