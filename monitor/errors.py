"""Exceptions typed by what the caller (usually the CLI) can do about them."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # findings at or above the threshold, a failing check, or a degraded status
EXIT_USAGE = 2  # bad command line or configuration: fix the input and retry
EXIT_RUNTIME = 3  # the run itself failed (network, database, Slack): retry later


class MonitorError(Exception):
    """Base class: carries the exit code the CLI should use."""

    exit_code = EXIT_RUNTIME


class ConfigError(MonitorError):
    """The configuration (file, environment or flags) is invalid."""

    exit_code = EXIT_USAGE


class UsageError(MonitorError):
    """A command was called with arguments that cannot work."""

    exit_code = EXIT_USAGE


class RuntimeFailure(MonitorError):
    """Something outside our control failed; stored data is intact."""

    exit_code = EXIT_RUNTIME
