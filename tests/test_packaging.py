"""The printer-driver extras pass through to python-escpos's own extras, by their real names."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("extra", ["usb", "serial", "cups"])
def test_printer_extras_pass_through_to_python_escpos(extra: str) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [requirement] = project["optional-dependencies"][extra]
    match = re.fullmatch(r"python-escpos\[(\w+)\](>=[\d.]+)?", requirement)
    assert match, requirement
    # The installed python-escpos declares that extra (its metadata, not our memory).
    assert match.group(1) in metadata("python-escpos").get_all("Provides-Extra")
    # pycups builds from C sources: the test extras never pull a driver in.
    assert not any("escpos[" in dep for dep in project["optional-dependencies"]["test"])
