"""The real System/370 machine: a CPU that owns its storage and executes.

Theory of operation
-------------------
``Machine`` is a ``reference.machine.cpu.CPU`` (the architectural state, addressing,
interruptions and timers) with main storage of its own and the instruction
execution loop.  Instructions are functions ``handler(machine, *fields)`` in
``reference/machine/instructions/``, found through the opcode table
(``reference.arch.opcodes``).  When an instruction recognizes an exception it raises
the ``ProgramInterruption`` subclass named after it; the loop catches it and
``CPU.end_instruction`` performs the interruption (the PSW swap).  Before an
instruction executes, the PSW's instruction address already points to the next
sequential instruction; a branch replaces it.

Speed: ``run`` keeps decoded instructions in a cache keyed by instruction address
(``_icache``).  The cache is emptied whenever anything that instruction fetch
depends on changes (PSW key, DAT, control registers, prefix, storage keys, the TLB)
and whenever a store reaches a 2K block holding a cached instruction, so it never
changes behaviour.  Instructions run in the fast loop (``_run_fast``) until
something needs the service between instructions, and one at a time with every
check (``_step_slow``) while PER is active, the PSW is invalid, or attached hooks
ask for it (``CPU.attach_hooks``, ``RunHooks``: a trace recorder, the coverage
observer).  Both paths tell the hooks attached what happens, and only when some
are attached.
"""
from __future__ import annotations

from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.machine.cpu import StorageSizeError
from reference.machine.execution import HANDLERS, HANDLERS_WITHOUT_FLOATING_POINT, Executor


class Machine(Executor):
    """One System/370 CPU with its main storage.  ``floating_point`` says whether
    the floating-point facility is installed (it is by default); without it the
    floating-point registers stay zero and its opcodes are operation exceptions."""

    def __init__(self, storage_size: int = 2 * 1024 * 1024,
                 floating_point: bool = True) -> None:
        if not MIN_STORAGE <= storage_size <= MAX_STORAGE or storage_size % 2048:
            raise StorageSizeError(
                f"storage size {storage_size} is not a multiple of 2K from 64K to 16M")
        self.floating_point = floating_point
        self._handlers: dict[str, Callable[..., Any]] = (
            HANDLERS if floating_point else HANDLERS_WITHOUT_FLOATING_POINT)
        super().__init__(bytearray(storage_size), bytearray(storage_size >> 11))


__all__ = ["Machine", "StorageSizeError", "HANDLERS_WITHOUT_FLOATING_POINT"]

