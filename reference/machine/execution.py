"""The instruction execution loop of a CPU: decoding, the fast loop, the service.

Theory of operation
-------------------
An ``Executor`` is a ``reference.machine.cpu.CPU`` (the architectural state,
addressing, interruptions and timers) that executes instructions: the real machine
(``reference.machine.machine.Machine``, with main storage of its own) and a guest
that the machine runs by interpretive execution
(``reference.machine.interpretive``).  Instructions are functions ``handler(machine, *fields)`` in
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

from collections.abc import Callable
from functools import partial
from typing import Any

from reference.arch import opcodes
from reference.arch.interrupts import (
    Interruption,
    OperationException,
    PrivilegedOperation,
    SpecificationException,
    SupervisorCall,
)
from reference.arch.lowcore import MASK24
from reference.machine.cpu import (
    CPU,
    STOP_STEP_LIMIT,
    STOP_TIME_LIMIT,
    Decoded,
    RunHooks,
    default_max_time,
)
from reference.machine.instructions import HANDLERS

# The instructions of a model without the floating-point facility: its opcodes
# are unassigned there, so they end in an operation exception (GA22-7000 ch.9:
# the facility is optional; ch.6 "Operation Exception").
HANDLERS_WITHOUT_FLOATING_POINT: dict[str, Callable[..., Any]] = {
    name: fn for name, fn in HANDLERS.items()
    if name not in {row.handler for row in opcodes.TABLE if row.floating_point}}


class Executor(CPU):
    """A CPU that executes instructions.  A subclass gives it storage (``CPU``)
    and the instruction functions it executes (``_handlers``)."""

    floating_point = True

    # ------------------------------------------------------------------
    # Watchers
    # ------------------------------------------------------------------
    def _hooks_changed(self) -> None:
        """Decoded instructions carry what the hooks attached when they were
        decoded returned for them: they are decoded again."""
        super()._hooks_changed()
        self.flush_instruction_cache()

    # An observer sees every instruction (``observer.instruction(machine, row,
    # exception or None)``, row None for one that could not be decoded); while one
    # is set, instructions run one at a time.  The conformance suite's
    # architectural coverage uses it.  It is told through hooks of its own.
    _observer: Any = None
    _observer_hooks: RunHooks | None = None

    @property
    def observer(self) -> Any:
        return self._observer

    @observer.setter
    def observer(self, observer: Any) -> None:
        if self._observer_hooks is not None:
            self.detach_hooks(self._observer_hooks)
            self._observer_hooks = None
        self._observer = observer
        if observer is not None:
            self._observer_hooks = _ObserverHooks(self, observer)
            self.attach_hooks(self._observer_hooks)

    # ------------------------------------------------------------------
    # Instruction fetch and decode
    # ------------------------------------------------------------------
    last_row: opcodes.Instruction | None = None

    def decode_at(self, ia: int) -> Decoded:
        """Fetch and decode the instruction at ``ia`` and cache it.

        Raises the exceptions of instruction fetch (specification for an odd
        address, access exceptions) and the operation exception."""
        if ia & 1:
            raise SpecificationException("odd instruction address")
        key = self.key
        a = self._absolute(ia, False, key)
        first = self.mem[a]
        length = opcodes.instruction_length(first)
        if (ia & 0x7FF) + length <= 0x800:
            code = bytes(self.mem[a:a + length])
            pieces = [(a, a + length)]
        else:
            code = self.fetch(ia, length, key)
            first_part = 0x800 - (ia & 0x7FF)
            b = self._absolute((ia + first_part) & MASK24, False, key)
            pieces = [(a, a + first_part), (b, b + length - first_part)]
        row = opcodes.lookup(code)
        handler = None if row is None else self._handlers.get(row.handler)
        if handler is None:
            row = None          # an opcode this model does not have
        hooks = self.hooks
        info = None if hooks is None else hooks.decoded(ia, code, row)
        if row is None or handler is None:
            raise OperationException(f"opcode {code[:2].hex()}")
        self.last_row = row
        entry = (partial(handler, self, *opcodes.decode_fields(row.layout, code)), length,
                 info)
        cache = self._icache
        cache[ia] = entry
        self._code_decoded(cache, ia, pieces)
        return entry

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def run(self, max_steps: int, max_time: int | None = None) -> str:
        """Run until a stop condition; returns the reason.

        ``max_steps`` bounds the instructions executed (counted since the reset).
        It also bounds a chain of interruptions taken with no instruction between
        them: an interruption that loads a PSW enabled for a condition that stays
        pending loops without executing any instruction, and must still end.
        ``max_time`` bounds machine time (microseconds since power-on; by default
        ``default_max_time(max_steps)``): time also passes with no instruction
        executed, in an enabled wait while a channel works, and the run stops
        (``"time-limit"``) when it would pass the bound."""
        if max_time is None:
            max_time = default_max_time(max_steps)
        self.run_bounds = (max_steps, max_time)
        # Look at the state before the first instruction: a machine left in the
        # wait state (or with an interruption pending) by an earlier run does not
        # execute the instruction its wait PSW points at.
        self.attention = True
        hooks = self.hooks
        if hooks is not None:
            hooks.run_begins()
        self.stop_reason = self._run(max_steps, max_time)
        if hooks is not None:
            hooks.run_ends()
        return self.stop_reason

    stop_reason: str | None = None
    # The bounds of the run under way (``run``): interpretive execution goes on
    # within them.
    run_bounds: tuple[int, int] = (0, 0)

    def _run(self, max_steps: int, max_time: int) -> str:
        while True:
            if self.attention:
                reason = self._service(max_steps, max_time)
                if reason is not None:
                    return reason
                continue
            if self.steps >= max_steps:
                return STOP_STEP_LIMIT
            if self.now() >= max_time:
                return STOP_TIME_LIMIT
            limit = min(max_steps, self._next_timer_event() - self.idle_us,
                        max_time - self.idle_us)
            if self.per_on or self.psw_invalid_bits or self.one_at_a_time:
                # One at a time, but the timers are serviced where _run_fast
                # services them (the step of the next timer event).
                if self.steps < limit:
                    self._step_slow()
                if self.steps >= limit:
                    self.attention = True
                continue
            self._run_fast(limit)
            if self._assisted:
                # The assist performed a privileged instruction and the guest goes
                # on (not in a wait): nothing for the service between instructions
                # but a new limit (the CPU timer was set again).
                self._assisted = False
                if not self.wait:
                    continue
            self.attention = True

    def _run_fast(self, limit: int) -> None:
        """Execute instructions until ``limit`` steps or until something needs the
        service between instructions (``attention``).  No PER, a valid PSW: the
        envelope of an instruction is only the interruption that may end it."""
        if self.steps >= limit:
            return
        cache = self._icache
        hooks = self.hooks
        completed = None if hooks is None else hooks.loop_begins()
        ia = self.ia
        length = 0
        info = None
        try:
            while True:
                ia = self.ia
                entry = cache.get(ia)
                if entry is None:
                    length = 0
                    info = None
                    entry = self.decode_at(ia)
                fn, length, info = entry
                self.ia = (ia + length) & MASK24
                self.steps += 1
                fn()
                if self.attention or self.steps >= limit:
                    break
                if completed is not None:
                    completed(info)
        except Interruption as exc:
            if hooks is not None:
                hooks.loop_ends(ia, info)
            if self.assist is not None and isinstance(exc, PrivilegedOperation) \
                    and self.assist(ia, length):
                self._assisted = True
                return
            if self.svc_assist is not None and isinstance(exc, SupervisorCall) \
                    and self.svc_assist(exc.number, length):
                self._assisted = True
                return
            self.end_instruction(ia, length, exc)
            return
        if hooks is not None:
            hooks.loop_ends(ia, info)

    # The virtual-machine assist (reference.vm.vmcp, "VM assist" on the 370/158 and
    # /168): a control program may install a function that is offered every
    # privileged-operation exception recognized in the fast loop, with the
    # instruction's address and length, before the interruption.  It returns True
    # when it has performed the instruction itself (the machine's state is then
    # what it made it); False lets the program interruption occur.  None on a
    # machine without the feature.
    assist: Callable[[int, int], bool] | None = None
    # The SVC assist (reference.vm.vmcp, the 370/158 and /168 assist's SVC
    # handling): offered every SUPERVISOR CALL executed in the fast loop, with its
    # number and length, before the interruption.  True: it has performed the
    # interruption itself (on a virtual machine's state); False: the SVC
    # interruption occurs.
    svc_assist: Callable[[int, int], bool] | None = None
    _assisted = False

    def _step_slow(self) -> None:
        """One instruction with every check made: an invalid PSW and PER."""
        ia = self.ia
        if self.psw_invalid_bits:
            self.invalid_psw_interruption(ia)
            return
        hooks = self.hooks
        if hooks is not None:
            hooks.step_begins()
        self.begin_instruction(ia)
        self.last_row = None
        length = 0
        exc: Interruption | None = None
        try:
            fn, length, _ = self.decode_at(ia)
            self.ia = (ia + length) & MASK24
            self.steps += 1
            fn()
        except Interruption as e:
            exc = e
        if hooks is not None:
            hooks.step_executed(self.last_row, exc)
        self.end_instruction(ia, length, exc)

    def _service(self, max_steps: int, max_time: int) -> str | None:
        """Between instructions: settle the CPU; an enabled wait advances time to
        the event that can end it, and the CPU settles again.  A wait that would
        last beyond ``max_time`` lasts until it and stops the run there."""
        self.attention = False
        while True:
            outcome, value = self.settle(max_steps)
            if outcome == "run":
                return None
            if outcome == "stop":
                assert isinstance(value, str)
                return value
            assert isinstance(value, int)
            now = self.now()
            ends = max(value, now + 1)
            if ends > max_time:
                self.idle_us += max(0, max_time - now)
                return STOP_TIME_LIMIT
            self.idle_us += ends - now


class _ObserverHooks(RunHooks):
    """``Machine.observer`` as hooks: told of every instruction, which runs one
    at a time."""

    one_at_a_time = True

    def __init__(self, machine: Executor, observer: Any) -> None:
        self.machine = machine
        self.observer = observer

    def step_executed(self, row: opcodes.Instruction | None,
                      exc: Interruption | None) -> None:
        self.observer.instruction(self.machine, row, exc)
