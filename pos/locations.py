"""Every on-disk location the app uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path

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
