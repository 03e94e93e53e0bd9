"""The real System/370 machine: a CPU with main storage of its own that executes.

Theory of operation
-------------------
``Machine`` is an ``Executor`` (reference.machine.execution: the instruction
execution loop, on a ``reference.machine.cpu.CPU``, the architectural state) with
main storage and storage keys of its own.  It has one facility beyond System/370:
interpretive execution (reference.machine.interpretive, docs/interpretive-
execution.md), START INTERPRETIVE EXECUTION running a guest from a state
description; the guests it has run are kept, by state description, with what
they decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.machine import interpretive
from reference.machine.cpu import StorageSizeError
from reference.machine.execution import HANDLERS, HANDLERS_WITHOUT_FLOATING_POINT, Executor

# Guests kept (by state-description address) at most; beyond, the oldest goes.
GUESTS_KEPT = 4096


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
        self._guests: dict[int, interpretive.Guest] = {}
        super().__init__(bytearray(storage_size), bytearray(storage_size >> 11))

    # ------------------------------------------------------------------
    # Interpretive execution (reference.machine.interpretive)
    # ------------------------------------------------------------------
    def start_interpretive_execution(self, sd: int) -> None:
        interpretive.start_interpretive_execution(self, sd)

    def guest_for(self, sd: int, kind: type[interpretive.Guest]) -> interpretive.Guest:
        """The guest of the state description at real ``sd``: the one run from it
        before, when it is of ``kind`` (resident or pageable), else a new one."""
        guest = self._guests.get(sd)
        if type(guest) is not kind:
            if len(self._guests) >= GUESTS_KEPT:
                del self._guests[next(iter(self._guests))]
            guest = self._guests[sd] = kind(self)
        return guest

    def forget_guest(self, sd: int) -> None:
        """The state description at ``sd`` no longer describes the guest run from it."""
        self._guests.pop(sd, None)

    def flush_instruction_cache(self) -> None:
        super().flush_instruction_cache()
        for guest in self._guests.values():
            guest.forget_decoded()


__all__ = ["Machine", "StorageSizeError", "HANDLERS_WITHOUT_FLOATING_POINT"]

