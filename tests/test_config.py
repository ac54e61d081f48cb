"""Configuration: layering, validation errors that name file and key, secrets handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.config.settings import Settings
from monitor.errors import ConfigError
from tests.conftest import Cli

REPO = Path(__file__).resolve().parents[1]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_precedence_defaults_file_env_cli(tmp_path: Path) -> None:
    config = _write(
        tmp_path / "c.toml",
        '[http]\ntimeout_seconds = 5\nconcurrency = 2\n[docs]\nbase_url = "http://127.0.0.1:1"\n',
    )
    env = {
        "HOME": str(tmp_path),
        "CONNECT_MONITOR_HTTP__CONCURRENCY": "3",
        "CONNECT_MONITOR_DOCS_BASE_URL": "http://127.0.0.1:2",
        "CONNECT_MONITOR_DATABASE_URL": "sqlite:///env.db",
    }
    settings, used = load_settings(config, {"storage.database_url": "sqlite:///cli.db"}, env)
    assert used == config
    assert settings.http.timeout_seconds == 5  # file beats default
    assert settings.http.concurrency == 3  # env beats file
    assert settings.docs.base_url == "http://127.0.0.1:2"
    assert settings.storage.database_url == "sqlite:///cli.db"  # flag beats env
    assert settings.http.max_retries == Settings().http.max_retries  # default kept


def test_config_path_from_environment_and_xdg_default(tmp_path: Path) -> None:
    config = _write(tmp_path / "c.toml", '[slack]\ndefault_channel = "#from-file"\n')
    env = {"HOME": str(tmp_path), "CONNECT_MONITOR_CONFIG": str(config)}
    settings, used = load_settings(environ=env)
    assert used == config and settings.slack.default_channel == "#from-file"
    assert settings.storage.data_dir == tmp_path / ".local/share/connect-monitor"
    assert (
        settings.storage.database_url
        == f"sqlite:///{tmp_path}/.local/share/connect-monitor/monitor.db"
    )


def test_every_source_resolves_against_the_base_url(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "CONNECT_MONITOR_DOCS_BASE_URL": "http://127.0.0.1:8000/"}
    settings, _ = load_settings(environ=env)
    urls = [settings.resolve(c.path) for c in settings.docs.changelogs]
    assert len(urls) == 8
    assert all(u.startswith("http://127.0.0.1:8000/") and "//" not in u[7:] for u in urls)


def test_shipped_config_equals_builtin_defaults(tmp_path: Path) -> None:
    """The commented file is documentation: it must not drift from the code."""
    env = {"HOME": str(tmp_path)}
    shipped, _ = load_settings(REPO / "config" / "connect-monitor.toml", environ=env)
    builtin, _ = load_settings(environ=env)
    assert shipped == builtin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[http]\ntimeout_seconds = "soon"\n', "`http.timeout_seconds`"),
        ("[http]\ntimeuot = 3\n", "`http.timeuot`: unknown setting"),
        ('[schedule]\nscan = "61 * * * *"\n', "`schedule.scan`: minute value 61"),
        ('[schedule]\nreport = "every day"\n', "`schedule.report`"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "unknown IANA time zone"),
        ('[alerts]\nquiet_hours = "late"\n', "`alerts.quiet_hours`"),
        ('[docs]\nbase_url = "http://docs.example.com"\n', "loopback"),
        ("[nonsense]\nx = 1\n", "`nonsense`: unknown setting"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    config = _write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={"HOME": str(tmp_path)})
    message = str(caught.value)
    assert str(config) in message
    assert expected in message


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "CONNECT_MONITOR_HTTP__CONCURRENCY": "lots"}
    with pytest.raises(ConfigError, match="environment variable CONNECT_MONITOR_HTTP__CONCURRENCY"):
        load_settings(environ=env)


def test_secret_in_config_file_is_refused(tmp_path: Path) -> None:
    config = _write(tmp_path / "c.toml", '[slack]\nbot_token = "should-not-be-here"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={"HOME": str(tmp_path)})
    assert "SLACK_BOT_TOKEN" in str(caught.value)
    assert "should-not-be-here" not in str(caught.value)


def test_secrets_from_env_and_file(tmp_path: Path) -> None:
    token_file = _write(tmp_path / "token", "file-bot-token\n")
    env = {
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN_FILE": str(token_file),
        "SLACK_WEBHOOK_URL": "http://127.0.0.1:9/webhook/secret-path",
    }
    settings, _ = load_settings(environ=env)
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == "file-bot-token"
    assert "file-bot-token" not in repr(settings) and "secret-path" not in repr(settings)
    assert sorted(settings.secret_values()) == sorted(
        ["file-bot-token", "http://127.0.0.1:9/webhook/secret-path"]
    )
    missing = {"HOME": str(tmp_path), "SLACK_BOT_TOKEN_FILE": str(tmp_path / "absent")}
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN_FILE"):
        load_settings(environ=missing)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[http\n", "is not valid TOML"),
        ("[http]\nconcurrency = 0\n", "`http.concurrency`"),
        ('[schedule]\nscrape = "every 6 fortnights"\n', "`schedule.scrape`"),
    ],
)
def test_cli_config_errors_exit_2_with_file_and_key(
    cli: Cli, tmp_path: Path, content: str, expected: str
) -> None:
    config = _write(tmp_path / "bad.toml", content)
    result = cli("--config", str(config), "config", "check")
    assert result.code == 2, result.stderr
    assert str(config) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one paragraph


def test_cli_unreadable_config_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("--config", str(tmp_path / "missing.toml"), "status")
    assert result.code == 2
    assert "missing.toml" in result.stderr and "Cannot read" in result.stderr


def test_config_show_masks_secrets(cli: Cli) -> None:
    secret = "test-token-value-123"
    result = cli("config", "show", "--format", "json", extra_env={"SLACK_BOT_TOKEN": secret})
    assert result.code == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    assert '"bot_token": "***"' in result.stdout
    toml_out = cli("config", "show", extra_env={"SLACK_BOT_TOKEN": secret})
    assert secret not in toml_out.stdout and 'bot_token = "***"' in toml_out.stdout


def test_config_show_hides_the_database_password(cli: Cli) -> None:
    url = "postgresql+psycopg://monitor:s3cret-pw@db.example.test/monitor"
    result = cli(
        "config", "show", "--format", "json", extra_env={"CONNECT_MONITOR_DATABASE_URL": url}
    )
    assert result.code == 0, result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "monitor:***@db.example.test" in result.stdout
