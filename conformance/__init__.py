"""s370 conformance suite: guest programs and properties that any S/370
implementation, in any mode, must pass.

- ``conformance/programs/``: the corpus, assembler source grouped by the chapters of
  the Principles of Operation, each program with its expectations beside it (TOML).
- ``conformance.plugin``: the pytest plugin (entry point ``pytest11``), with the
  options ``--s370-impl`` (the implementation under test) and ``--s370-mode`` (the
  modes to run: ``native``, ``vmcp``).
- ``conformance.implementations``: what an implementation must provide, and the
  reference implementation; ``conformance.adapter``: implementations in another
  process (docs/adapter-protocol.md), and the one ``--s370-impl`` names.
- ``conformance.corpus``: programs, expectations, and the comparison.
- ``conformance.comparison``: what differs between two states or two runs.
- ``conformance.strategies``: the Hypothesis strategies (instructions, guest
  programs, DAT programs, channel programs), public.
- ``conformance.hercules``: Hercules 3.13 as an oracle (the harness behind
  tools/expectations.py and adapters/hercules_adapter.py).
"""

from pathlib import Path

PROGRAMS = Path(__file__).parent / "programs"
