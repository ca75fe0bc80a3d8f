"""jdcli: analytics for drug-control program statistics, computed from data and shown exactly."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
