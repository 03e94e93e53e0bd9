"""s370 reference: a readable, deterministic model of IBM System/370 (GA22-7000)."""

__version__ = "0.1.0"
