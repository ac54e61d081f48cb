"""The effective configuration as people may see it: secrets replaced by markers.

Used by `config show` and by the daemon's start-up log line, so neither can leak a token,
a webhook URL or a database password.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url

from monitor.config.settings import Settings


def masked_settings(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = settings.model_dump(mode="json", exclude_none=True)
    data["slack"]["bot_token"] = "***" if settings.slack.bot_token else "(not set)"
    data["slack"]["webhook_url"] = "***" if settings.slack.webhook_url else "(not set)"
    url = settings.storage.database_url
    if url:
        data["storage"]["database_url"] = make_url(url).render_as_string(hide_password=True)
    return data
