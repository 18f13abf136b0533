"""Shared fixtures: sample settings, an open shop on a real SQLite file, a file printer."""

from __future__ import annotations

pytest_plugins = ["tests.pgserver"]
