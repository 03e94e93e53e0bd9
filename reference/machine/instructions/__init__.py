"""The instructions, one function per instruction, grouped by the manual's chapters.

- ``general``: chapter 7, general instructions
- ``decimal``: chapter 8, decimal instructions (and CVB/CVD, PACK, UNPK, MVO)
- ``floating``: chapter 9, floating-point instructions
- ``control``: chapter 10, control instructions
- ``io``: chapter 13, input/output instructions

Every function has the signature ``handler(m, *fields)``: ``m`` is the CPU it
acts on (``reference.machine.cpu.CPU``: the machine executing it, or a virtual
machine the VMCP applies it to) and ``fields`` the operand fields of the
instruction's layout (see ``reference.arch.opcodes``).  ``HANDLERS`` maps the names
that the opcode table uses to the functions the machine executes (a module's other
public functions, such as ``general.execute_target``, are helpers of its
instructions).  For the rows the table marks privileged that is the function behind
one guard (``common.privileged``): in the problem state a privileged-operation
exception, before the function runs (GA22-7000 ch.6 "Privileged-Operation
Exception"); every other name maps to the function itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference.arch import opcodes
from reference.machine.instructions import control, decimal, floating, general, io
from reference.machine.instructions.common import privileged

_NAMES = frozenset(row.handler for row in opcodes.TABLE)
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: fn
    for module in (general, decimal, floating, control, io)
    for name, fn in vars(module).items()
    if name in _NAMES and callable(fn) and getattr(fn, "__module__", "") == module.__name__
}
_PRIVILEGED = frozenset(row.handler for row in opcodes.TABLE if row.privileged)

HANDLERS: dict[str, Callable[..., Any]] = {
    name: privileged(fn) if name in _PRIVILEGED else fn for name, fn in _FUNCTIONS.items()
}
