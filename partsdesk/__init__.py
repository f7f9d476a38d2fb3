"""PartsDesk: offline point-of-sale and workshop client for auto-parts shops."""

__version__ = "0.1.0"
