"""Configuration: schema (settings), layered loading (loader) and schedules."""

from monitor.config.loader import load_settings
from monitor.config.settings import Settings

__all__ = ["Settings", "load_settings"]
