"""connect-monitor: keeps teams ahead of deprecations in the Instacart Connect APIs."""

__version__ = "0.1.0"
