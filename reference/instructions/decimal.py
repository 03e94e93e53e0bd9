"""Decimal instructions (GA22-7000 chapter 8)."""

from __future__ import annotations
