"""What every command gets: effective settings and, on demand, an upgraded database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from monitor.config import Settings, load_settings
from monitor.logs import configure_logging
from monitor.store.database import Database, open_database


@dataclass
class AppContext:
    config_path: str | None
    overrides: dict[str, Any]
    _settings: Settings | None = None
    _used_path: Path | None = None
    _database: Database | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings, self._used_path = load_settings(self.config_path, self.overrides)
            logging_settings = self._settings.logging
            configure_logging(
                logging_settings.level, logging_settings.format, self._settings.secret_values()
            )
        return self._settings

    @property
    def config_file(self) -> Path | None:
        _ = self.settings
        return self._used_path

    def database(self) -> Database:
        """Opened once per command; the schema is upgraded to head on the way in."""
        if self._database is None:
            storage = self.settings.storage
            assert storage.database_url is not None  # filled in by the loader
            self._database = open_database(storage.database_url, storage.busy_timeout_seconds)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None


pass_app = click.make_pass_decorator(AppContext)
