"""Builds the effective settings from four layers and explains any mistake precisely.

Precedence, lowest first: built-in defaults < config file (``--config`` or
``CONNECT_MONITOR_CONFIG``) < environment variables < command-line flags. Each value keeps
the name of the layer it came from, so an error can say "in /etc/x.toml, key http.timeout"
or "environment variable CONNECT_MONITOR_DATABASE_URL" instead of a bare type error.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from monitor.config.settings import Settings
from monitor.errors import ConfigError

CONFIG_ENV = "CONNECT_MONITOR_CONFIG"
GENERIC_ENV_PREFIX = "CONNECT_MONITOR_"

# Documented shortcuts; any other key is reachable as CONNECT_MONITOR_<SECTION>__<KEY>.
ENV_SHORTCUTS: dict[str, tuple[str, str]] = {
    "CONNECT_MONITOR_DATA_DIR": ("storage", "data_dir"),
    "CONNECT_MONITOR_DATABASE_URL": ("storage", "database_url"),
    "CONNECT_MONITOR_DOCS_BASE_URL": ("docs", "base_url"),
    "CONNECT_MONITOR_SLACK_BASE_URL": ("slack", "base_url"),
    "CONNECT_MONITOR_LOG_LEVEL": ("logging", "level"),
    "CONNECT_MONITOR_LOG_FORMAT": ("logging", "format"),
    "SLACK_DEFAULT_CHANNEL": ("slack", "default_channel"),
}
SECRET_ENV: dict[str, tuple[str, str]] = {
    "SLACK_BOT_TOKEN": ("slack", "bot_token"),
    "SLACK_WEBHOOK_URL": ("slack", "webhook_url"),
}
SECRET_KEYS = {key for key in SECRET_ENV.values()}


@dataclass
class _Layers:
    """Merged raw values plus where each dotted key came from."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    def put(self, section: str, key: str | None, value: Any, origin: str) -> None:
        if key is None:
            self.values[section] = value
            self.origins[section] = origin
            return
        target = self.values.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{origin}: `{section}` must be a table of settings")
        target[key] = value
        self.origins[f"{section}.{key}"] = origin

    def origin_of(self, loc: tuple[Any, ...]) -> str:
        parts = [str(p) for p in loc]
        for length in range(len(parts), 0, -1):
            found = self.origins.get(".".join(parts[:length]))
            if found:
                return found
        prefix = ".".join(parts) + "."
        below = [origin for key, origin in self.origins.items() if key.startswith(prefix)]
        return below[0] if below else "built-in defaults"


def load_settings(
    config_path: str | Path | None = None,
    cli_overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Settings, Path | None]:
    """Return the effective settings and the config file used (if any)."""
    env = dict(os.environ if environ is None else environ)
    layers = _Layers()
    path = Path(config_path) if config_path else _path_from_env(env)
    if path is not None:
        _apply_file(layers, path)
    _apply_env(layers, env)
    for dotted, value in (cli_overrides or {}).items():
        if value is not None:
            section, key = dotted.split(".", 1)
            layers.put(section, key, value, f"command-line flag for {dotted}")
    settings = _validate(layers)
    return _with_storage_defaults(settings, env), path


def _path_from_env(env: Mapping[str, str]) -> Path | None:
    value = env.get(CONFIG_ENV, "").strip()
    return Path(value) if value else None


def _apply_file(layers: _Layers, path: Path) -> None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the config file {path}: {exc.strerror or exc}. "
            f"Pass an existing TOML file with --config or {CONFIG_ENV}."
        ) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from exc
    origin = f"config file {path}"
    for section, content in data.items():
        if not isinstance(content, dict):
            layers.put(section, None, content, origin)
            continue
        for key, value in content.items():
            if (section, key) in SECRET_KEYS:
                env_name = next(n for n, k in SECRET_ENV.items() if k == (section, key))
                raise ConfigError(
                    f"{origin}: key `{section}.{key}` holds a secret, and secrets are never read "
                    f"from config files. Set the environment variable {env_name} "
                    f"(or {env_name}_FILE with the path of a file holding it) instead."
                )
            layers.put(section, key, value, origin)


def _apply_env(layers: _Layers, env: Mapping[str, str]) -> None:
    for name, value in sorted(env.items()):
        if name in ENV_SHORTCUTS:
            section, key = ENV_SHORTCUTS[name]
            layers.put(section, key, value, f"environment variable {name}")
        elif name.startswith(GENERIC_ENV_PREFIX) and "__" in name:
            section, _, key = name.removeprefix(GENERIC_ENV_PREFIX).lower().partition("__")
            layers.put(section, key, _env_value(value), f"environment variable {name}")
    for name, (section, key) in SECRET_ENV.items():
        secret = _secret_from_env(env, name)
        if secret:
            layers.put(section, key, secret, f"environment variable {name}")


def _env_value(value: str) -> Any:
    """Lists and tables arrive as JSON (``[90, 30]``); everything else stays a string."""
    stripped = value.strip()
    if stripped.startswith(("[", "{")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return value
    return value


def _secret_from_env(env: Mapping[str, str], name: str) -> str | None:
    direct = env.get(name, "").strip()
    if direct:
        return direct
    file_name = env.get(f"{name}_FILE", "").strip()
    if not file_name:
        return None
    try:
        return Path(file_name).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise ConfigError(
            f"environment variable {name}_FILE names {file_name}, which cannot be read: "
            f"{exc.strerror or exc}."
        ) from exc


def _validate(layers: _Layers) -> Settings:
    try:
        return Settings.model_validate(layers.values)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, layers)) from None


def _explain(exc: ValidationError, layers: _Layers) -> str:
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        origin = layers.origin_of(loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling; see `connect-monitor config show`)"
        shown = "" if _is_secret_loc(loc) or error["type"] == "missing" else _got(error)
        lines.append(f"{origin}: `{key}`: {message}{shown}.")
    count = len(lines)
    head = "Invalid configuration" + (f" ({count} problems)" if count > 1 else "")
    return head + ": " + " ".join(lines)


def _is_secret_loc(loc: tuple[Any, ...]) -> bool:
    return len(loc) >= 2 and (str(loc[0]), str(loc[1])) in SECRET_KEYS


def _got(error: Mapping[str, Any]) -> str:
    value = error.get("input")
    if isinstance(value, dict | list) or repr(value) in error["msg"]:
        return ""
    return f" (got {value!r})"


def default_data_dir(env: Mapping[str, str]) -> Path:
    home = env.get("HOME") or str(Path.home())
    base = env.get("XDG_DATA_HOME") or str(Path(home) / ".local" / "share")
    return Path(base) / "connect-monitor"


def _with_storage_defaults(settings: Settings, env: Mapping[str, str]) -> Settings:
    storage = settings.storage
    data_dir = (storage.data_dir or default_data_dir(env)).expanduser()
    database_url = storage.database_url or f"sqlite:///{data_dir / 'monitor.db'}"
    new_storage = storage.model_copy(update={"data_dir": data_dir, "database_url": database_url})
    return settings.model_copy(update={"storage": new_storage})
