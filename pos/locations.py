"""Every on-disk location the app uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

APP_NAME = "recarga-pos"


def user_config_file() -> Path:
    """The per-user config.toml, the last place looked for one."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def user_data_dir() -> Path:
    """Where the ledger and key live when no config.toml says otherwise."""
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir(APP_NAME))


def config_candidates(explicit: str | os.PathLike[str] | None) -> list[Path]:
    """Where config.toml is looked for, in order: --config, POS_CONFIG, ./config.toml, user dir."""
    if explicit:
        return [Path(explicit)]
    if os.environ.get("POS_CONFIG"):
        return [Path(os.environ["POS_CONFIG"])]
    return [Path.cwd() / "config.toml", user_config_file()]


def find_config(explicit: str | os.PathLike[str] | None) -> tuple[dict[str, Any], Path | None]:
    """The raw TOML of the config.toml `pos` will use and its folder ({} and None: no readable
    file). Never validated here: the config loader does that and reports a bad file."""
    import tomllib  # only when a config is peeked: `import pos.cli` stays without it

    for path in config_candidates(explicit):
        try:
            return tomllib.loads(path.read_text(encoding="utf-8")), path.parent
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return {}, None


def config_locale(raw: dict[str, Any]) -> str | None:
    """The [shop] locale a raw config names (None: it names none, or not as text)."""
    shop = raw.get("shop")
    locale = shop.get("locale") if isinstance(shop, dict) else None
    return locale if isinstance(locale, str) else None
