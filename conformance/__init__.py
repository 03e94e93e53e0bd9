"""s370 conformance suite: guest programs and properties that any S/370
implementation, in any mode, must pass.

- ``conformance/programs/``: the corpus, assembler source grouped by the chapters of
  the Principles of Operation, each program with its expectations beside it (TOML).
- ``conformance.plugin``: the pytest plugin (entry point ``pytest11``), with the
  options ``--s370-impl`` (the implementation under test) and ``--s370-mode`` (the
  modes to run: ``native``, ``vmcp``).
- ``conformance.implementations``: what an implementation must provide.
- ``conformance.corpus``: programs, expectations, and the comparison.
"""

from pathlib import Path

PROGRAMS = Path(__file__).parent / "programs"
