"""The configuration schema: every setting, its type, default and meaning, in one place.

The defaults here are the built-in layer; ``config/connect-monitor.toml`` repeats them with
comments. Unknown keys are errors (``extra="forbid"``) so a typo never goes unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from monitor.config.schedule import Schedule, parse_schedule


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class ChangelogSource(Section):
    name: str = Field(description="Short name, used by `scrape --source NAME`.")
    surface: str = Field(description="The product surface the changelog covers.")
    path: str = Field(description="Path of the page, relative to docs.base_url.")

    @field_validator("path")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        if not value.startswith("/") or "://" in value:
            raise ValueError("must be a path starting with '/', relative to docs.base_url")
        return value


DEFAULT_CHANGELOGS: tuple[tuple[str, str, str], ...] = (
    ("connect-fulfillment", "Connect Fulfillment API", "/connect/api/fulfillment/changelog"),
    ("connect-sandbox", "Connect Sandbox API", "/connect/api/sandbox/changelog"),
    ("developer-platform", "Developer Platform API", "/developer_platform_api/api/changelog"),
    ("mcp-servers", "MCP Servers", "/mcp_servers/changelog"),
    ("catalog", "Catalog", "/catalog/changelog"),
    ("carrot-ads", "Carrot Ads API", "/ads/api/ads/changelog"),
    ("shopping-widgets", "Shopping Widgets", "/widgets/changelog"),
    ("ads-manager", "Ads Manager", "/ads_manager/changelog"),
)


class DocsSettings(Section):
    base_url: str = Field(
        "https://docs.instacart.com",
        description="Every source resolves against this; point it at a mirror to redirect all.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts besides base_url's that fetches may reach."
    )
    changelogs: list[ChangelogSource] = Field(
        default_factory=lambda: [
            ChangelogSource(name=n, surface=s, path=p) for n, s, p in DEFAULT_CHANGELOGS
        ]
    )
    deprecated_page: str = "/connect/api/fulfillment/deprecated"
    deprecated_page_surface: str = "Connect Fulfillment API"
    sitemap_path: str = "/sitemap.xml"
    reference_prefixes: list[str] = Field(
        default_factory=lambda: ["/connect/api/", "/developer_platform_api/api/"],
        description="Sitemap paths under these prefixes are scanned for Deprecated markers.",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL such as https://docs.instacart.com")
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise ValueError("plain http is only allowed for loopback mirrors (127.0.0.1)")
        return value.rstrip("/")


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


class HttpSettings(Section):
    timeout_seconds: float = Field(20.0, gt=0)
    concurrency: int = Field(4, ge=1, le=32)
    user_agent: str = (
        "connect-monitor/0.1 (deprecation watcher; +https://pypi.org/project/connect-monitor/)"
    )
    max_retries: int = Field(4, ge=0, le=10)
    backoff_base_seconds: float = Field(1.0, ge=0)
    backoff_max_seconds: float = Field(60.0, ge=0)
    max_response_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    respect_robots_txt: bool = True


class ScheduleSettings(Section):
    scrape: str = "every 6h"
    scan: str = "30 3 * * *"
    alerts: str = "every 1h"
    report: str = "0 9 * * mon"
    timezone: str = "UTC"
    misfire_grace_seconds: int = Field(6 * 3600, ge=1)
    shutdown_grace_seconds: int = Field(30, ge=0)

    @field_validator("scrape", "scan", "alerts", "report")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        return parse_schedule(value).expression

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        return _check_timezone(value)

    def parsed(self, job: str) -> Schedule:
        return parse_schedule(getattr(self, job))


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        message = f"unknown IANA time zone {value!r} (e.g. 'UTC', 'America/New_York')"
        raise ValueError(message) from exc
    return value


_QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class AlertSettings(Section):
    thresholds_days: list[int] = Field(default_factory=lambda: [90, 30, 14, 7, 1, 0])
    closed_reminder_days: int = Field(7, ge=1, description="Cadence of reminders after closing.")
    notify_default_channel: bool = True
    max_per_channel_per_hour: int = Field(20, ge=1)
    quiet_hours: str = Field("", description="'HH:MM-HH:MM' in alerts.timezone; empty = any time.")
    timezone: str = "UTC"
    source_failure_threshold: int = Field(3, ge=1)

    @field_validator("thresholds_days")
    @classmethod
    def _sorted_thresholds(cls, value: list[int]) -> list[int]:
        if any(day < 0 for day in value):
            raise ValueError("thresholds are days before the window closes and cannot be negative")
        return sorted(set(value), reverse=True)

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        if value and not _QUIET_HOURS.match(value):
            raise ValueError("expected 'HH:MM-HH:MM' (24-hour clock), e.g. '22:00-07:00'")
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        return _check_timezone(value)


class SlackSettings(Section):
    default_channel: str = Field("#connect-deprecations", description="Hears every deprecation.")
    base_url: str = Field("https://slack.com/api/", description="Slack Web API base URL.")
    timeout_seconds: float = Field(10.0, gt=0)
    # Secrets: only from the environment (or *_FILE); never from a config file.
    bot_token: SecretStr | None = Field(None, exclude=True)
    webhook_url: SecretStr | None = Field(None, exclude=True)

    @field_validator("base_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"


class ScanSettings(Section):
    max_file_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    min_confidence: Literal["high", "medium", "low"] = "medium"
    include_vendored: bool = False
    workers: int = Field(0, ge=0, description="Processes for large trees; 0 = one per core.")


class StorageSettings(Section):
    data_dir: Path | None = Field(None, description="Default: $XDG_DATA_HOME/connect-monitor.")
    database_url: str | None = Field(None, description="Default: sqlite:///<data_dir>/monitor.db")
    busy_timeout_seconds: float = Field(30.0, ge=0)


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class ServerSettings(Section):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(9464, ge=1, le=65535)


class ReportSettings(Section):
    weeks_of_trend: int = Field(12, ge=1, le=104)


class Settings(Section):
    docs: DocsSettings = Field(default_factory=DocsSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    scan: ScanSettings = Field(default_factory=ScanSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)

    @model_validator(mode="after")
    def _unique_source_names(self) -> Settings:
        names = [source.name for source in self.docs.changelogs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"docs.changelogs: duplicate source name(s) {', '.join(duplicates)}")
        return self

    def resolve(self, path: str) -> str:
        """Absolute URL of a docs path: the single place where base_url is applied."""
        return self.docs.base_url + (path if path.startswith("/") else "/" + path)

    def secret_values(self) -> list[str]:
        """Every secret in force, for the log redaction filter."""
        secrets = [self.slack.bot_token, self.slack.webhook_url]
        return [s.get_secret_value() for s in secrets if s is not None and s.get_secret_value()]
