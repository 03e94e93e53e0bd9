"""The command line (``s370``): the only part of ``reference`` that reads arguments and
prints for a person."""

from reference.cli.main import main

__all__ = ["main"]
