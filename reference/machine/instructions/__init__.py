"""The instructions, one function per instruction, grouped by the manual's chapters.

- ``general``: chapter 7, general instructions
- ``decimal``: chapter 8, decimal instructions (and CVB/CVD, PACK, UNPK, MVO)
- ``control``: chapter 10, control instructions
- ``io``: chapter 13, input/output instructions

Every function has the signature ``handler(m, *fields)``: ``m`` is the
``reference.machine.machine.Machine`` and ``fields`` the operand fields of the
instruction's layout (see ``reference.arch.opcodes``).  ``HANDLERS`` maps the names that
the opcode table uses to the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference.machine.instructions import control, decimal, general, io

HANDLERS: dict[str, Callable[..., Any]] = {
    name: fn
    for module in (general, decimal, control, io)
    for name, fn in vars(module).items()
    if callable(fn) and not name.startswith("_")
    and getattr(fn, "__module__", "") == module.__name__
}
