"""config.toml: every bad file stops start-up with the file, the key and the reason."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos.config import ConfigError, load_file, load_settings, parse_settings
from tests.conftest import CONFIGS

ROOT = Path(__file__).resolve().parents[1]

BAD = [
    # file, key named in the message, words of the reason
    ("bad_ruc.toml", "[shop] ruc", "RUC"),
    ("unknown_key.toml", "[shop] nmae", "unknown key"),
    ("unknown_section.toml", "[shopp]", "unknown key"),
    ("bad_width.toml", "[printer] width", "24 to 64"),
    ("bad_operator_range.toml", "[operators.claro]", "min is larger than max"),
    ("bad_preset.toml", "[operators.claro]", "preset 50"),
    ("bad_decimals.toml", "[operators.claro]", "2 decimals"),
    ("operator_without_key.toml", "[operators.claro] key", "missing"),
    ("same_operator_key.toml", "[operators]", "same key"),
    ("not_toml.toml", "", "not valid TOML"),
    ("not_utf8.toml", "", "UTF-8"),
    ("bad_timezone.toml", "[shop] timezone", "America/Lima"),
    ("bad_series.toml", "[shop] series", "pattern"),
    ("bad_ledger_url.toml", "[ledger] url", "sqlite:///"),
    ("bad_id_storage.toml", "[ledger] id_storage", "masked"),
    ("bad_payment_method.toml", "[payments] methods.1", "cash"),
    ("no_payment_methods.toml", "[payments] methods", "at least one"),
]


@pytest.fixture
def english() -> Any:
    from pos.i18n import set_locale

    set_locale("en")
    yield
    set_locale("es_PE")


@pytest.mark.parametrize(("name", "key", "reason"), BAD)
def test_bad_file_names_file_key_and_reason(name: str, key: str, reason: str,
                                            english: None) -> None:
    path = CONFIGS / name
    with pytest.raises(ConfigError) as err:
        load_file(path)
    assert err.value.file == str(path)
    assert err.value.key == key
    assert reason in err.value.reason
    assert str(path) in str(err.value) and key in str(err.value)


def test_good_file() -> None:
    settings = load_file(CONFIGS / "good.toml")
    assert settings.source == CONFIGS / "good.toml"
    assert settings.shop.series == "B002" and settings.shop.require_id is False
    assert settings.printer.width == 32
    assert list(settings.operators) == ["claro"]  # only the configured ones
    assert settings.operators["claro"].presets == (Decimal(5), Decimal(10), Decimal("20.5"))
    # relative paths resolve next to the config file, not the working folder
    assert settings.ledger_url == "sqlite:///" + str(CONFIGS.resolve() / "data" / "ledger.db")
    assert settings.key_path == CONFIGS.resolve() / "data" / "ledger.key"


def test_shipped_config_loads() -> None:
    settings = load_file(ROOT / "config.toml")
    assert settings.shop.ruc == "10456789019"
    assert [op.key for op in settings.operators.values()] == ["1", "2", "3", "4"]
    assert settings.operators["claro"].promotion


def test_embedded_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POS_CONFIG", raising=False)
    monkeypatch.setattr("pos.config.config_candidates", lambda explicit: [tmp_path / "config.toml"])
    settings = load_settings()
    assert settings.source is None
    assert settings.shop.require_id is True and settings.ledger.id_storage == "masked"
    assert set(settings.operators) == {"claro", "movistar", "entel", "bitel"}


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def write(name: str, series: str) -> Path:
        path = tmp_path / name
        path.write_text(f'[shop]\nseries = "{series}"\n', encoding="utf-8")
        return path

    monkeypatch.chdir(tmp_path)
    write("config.toml", "C001")
    env = write("env.toml", "E001")
    explicit = write("explicit.toml", "X001")
    monkeypatch.delenv("POS_CONFIG", raising=False)
    assert load_settings().shop.series == "C001"  # ./config.toml
    monkeypatch.setenv("POS_CONFIG", str(env))
    assert load_settings().shop.series == "E001"  # POS_CONFIG beats ./config.toml
    assert load_settings(explicit).shop.series == "X001"  # --config beats both


def test_explicit_file_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")  # never falls back to another file
    monkeypatch.setenv("POS_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match="gone.toml"):
        load_settings()


def test_config_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    with pytest.raises(ConfigError, match="not a file"):
        load_settings(tmp_path / "config.toml")


@pytest.mark.parametrize(("data", "key"), [
    ({"shop": {"require_id": [1]}}, "[shop] require_id"),
    ({"shop": 5}, "[shop]"),
    ({"operators": {}}, "[operators]"),
    ({"operators": {"claro": {"name": "Claro", "key": "1", "min": "nan", "max": 5}}},
     "[operators.claro] min"),
    ({"operators": {"claro": {"name": "Claro", "key": "0", "min": 1, "max": 5}}},
     "[operators.claro] key"),
    ({"printer": {"port": 70000}}, "[printer] port"),
    ({"ui": {"idle_lock_minutes": -1}}, "[ui] idle_lock_minutes"),
])
def test_bad_values(data: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings(data, "x.toml", Path("."))
    assert err.value.key == key


# -- through the command line: exit 2, the message on stderr, never a traceback -------------

@pytest.mark.parametrize(("name", "key", "reason"), BAD)
def test_cli_refuses_bad_config(name: str, key: str, reason: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    from pos.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--config", str(CONFIGS / name), "history"])
    assert result.exit_code == 2, result.output
    assert str(CONFIGS / name) in result.stderr
    assert key in result.stderr and reason in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_cli_subprocess_bad_config(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pos.cli", "--config", str(CONFIGS / "bad_ruc.toml"), "history"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "bad_ruc.toml: [shop] ruc" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_missing_ledger_folder_is_not_created(tmp_path: Path) -> None:
    from pos.cli import main

    config = tmp_path / "config.toml"
    config.write_text((CONFIGS / "missing_ledger_folder.toml").read_text(), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "history"])
    assert result.exit_code == 1
    assert "no-such-folder" in result.stderr
    assert not (tmp_path / "no-such-folder").exists()
    assert "Traceback" not in result.output


def test_reasons_are_in_the_shops_language() -> None:
    from pos.i18n import set_locale

    set_locale("es_PE")
    with pytest.raises(ConfigError) as err:
        load_file(CONFIGS / "bad_ruc.toml")
    assert "no es un RUC válido" in err.value.reason
    with pytest.raises(ConfigError) as err:
        load_file(CONFIGS / "unknown_key.toml")
    assert "clave desconocida" in err.value.reason
    with pytest.raises(ConfigError) as err:
        load_file(CONFIGS / "bad_width.toml")
    assert "24 a 64 columnas" in err.value.reason
