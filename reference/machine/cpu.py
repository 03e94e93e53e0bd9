"""The architectural state of one System/370 CPU and its view of storage.

Theory of operation
-------------------
``CPU`` holds the architectural state of GA22-7000: the current PSW (as fields,
see ``reference.arch.psw`` for the layout), 16 general and 16 control registers, the
prefix register, the storage it addresses with one storage key per 2K block, the
TOD clock, clock comparator, CPU timer and interval timer, and the interruption
conditions pending.  It defines everything the architecture says about that state
apart from executing instructions: addressing (prefixing, DAT, key-controlled and
low-address protection, reference and change recording), the interruptions (the
PSW swaps and their low-storage fields), the timers, the order in which pending
interruptions are taken, and what ends a wait.

Two kinds of CPU exist.  ``reference.machine.machine.Machine`` is the real machine: it owns
its storage and executes instructions.  ``reference.vm.vmcp.VirtualMachine`` is a
guest's virtual state: its storage is a region of the real machine's, and the VMCP
applies instructions' definitions to it when it simulates them.

Time is a documented function of the work done (see ``now``): every instruction
takes one microsecond, an interruption takes none, and an enabled wait advances
time straight to the next timer event that can end it.

Every instruction, wherever it is performed (the machine's execution loop, the
VMCP's simulation of a guest's instruction), goes through one envelope:
``begin_instruction`` before it and ``end_instruction`` after it, which indicate
its PER events and take the interruption it calls for.  Watchers of a run (the
trace recorder, the coverage observer) attach ``RunHooks``; every interruption
and the execution loop tell them what happens, and only when some are attached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reference.arch import dat, opcodes
from reference.arch.interrupts import (
    AddressingException,
    Interruption,
    MonitorEvent,
    OperationException,
    PageTranslation,
    ProgramInterruption,
    ProtectionException,
    SegmentTranslation,
    SpecificationException,
    SupervisorCall,
)
from reference.arch.lowcore import (
    CR0_LOW_ADDRESS_PROTECTION,
    CSW,
    EXT_CLOCK_COMPARATOR,
    EXT_CPU_TIMER,
    EXT_EMERGENCY_SIGNAL,
    EXT_EXTERNAL_CALL,
    EXT_INTERRUPT_KEY,
    EXT_INTERVAL_TIMER,
    EXTERNAL_CODE,
    EXTERNAL_CPU_ADDRESS,
    EXTERNAL_NEW,
    EXTERNAL_OLD,
    INTERVAL_TIMER,
    INTERVAL_TIMER_HZ,
    INTERVAL_TIMER_UNIT,
    IO_ADDRESS,
    IO_NEW,
    IO_OLD,
    MASK24,
    MASK32,
    MASK64,
    MCHECK_CODE,
    MCHECK_NEW,
    MCHECK_OLD,
    MONITOR_CLASS,
    MONITOR_CODE,
    PER_ADDRESS,
    PER_CODE,
    PROGRAM_ILC,
    PROGRAM_NEW,
    PROGRAM_OLD,
    RESET_CR,
    RESTART_NEW,
    RESTART_OLD,
    SVC_ILC,
    SVC_NEW,
    SVC_OLD,
    TOD_UNITS_PER_US,
    TRANSLATION_EXCEPTION_ADDRESS,
)
from reference.arch.psw import EC_MUST_BE_ZERO, PSW, PSWFields, fields_of

INSTRUCTION_TIME_US = 1      # every instruction takes one microsecond



STOP_DISABLED_WAIT = "disabled-wait"
STOP_ENABLED_WAIT = "enabled-wait"
STOP_CHECK_STOP = "check-stop"
STOP_STEP_LIMIT = "step-limit"
STOP_TIME_LIMIT = "time-limit"

# A run is bounded by instructions and by machine time: time passes without
# instructions too (an enabled wait, a channel program that never ends), and a run
# must end whatever the program does.  Unless told otherwise, a run of at most N
# instructions may last ten times what they take (N x 10 microseconds), and never
# less than ten seconds of machine time.
MIN_DEFAULT_MAX_TIME_US = 10_000_000


def default_max_time(max_steps: int) -> int:
    """The machine-time bound (microseconds since power-on) of a run bounded by
    ``max_steps`` instructions when no other is given."""
    return max(MIN_DEFAULT_MAX_TIME_US, 10 * INSTRUCTION_TIME_US * max_steps)


# A decoded instruction, as the executing machine caches it: the instruction's
# function bound to the machine and the operand fields, the instruction's length,
# and what the hooks attached when it was decoded returned for it
# (``RunHooks.decoded``; None without hooks).
Decoded = tuple[Callable[[], Any], int, Any]


class StorageSizeError(ValueError):
    """A storage size outside 64K to 16M or not a multiple of 2K (a model error)."""


@dataclass(frozen=True)
class State:
    """The whole architectural state as a plain value that compares with ``==``.

    ``fpr`` holds the floating-point registers 0, 2, 4 and 6 (zeros on a machine
    without the facility), ``storage`` is the absolute storage as bytes, ``keys``
    the storage key of every 2K block (as ISK places it in bits 24-31), ``timers``
    the TOD clock, clock comparator, CPU timer and the interval-timer word,
    ``pending`` the external and machine-check conditions waiting to be taken.
    """

    psw: int
    gpr: tuple[int, ...]
    fpr: tuple[int, ...]
    cr: tuple[int, ...]
    prefix: int
    tod: int
    clock_comparator: int
    cpu_timer: int
    interval_timer: int
    storage: bytes
    keys: bytes
    pending: tuple[str, ...]
    stopped: str | None


@dataclass(frozen=True)
class InterruptionRecord:
    """One interruption taken: class, code, ILC and the old and new PSW."""

    kind: str   # "program", "svc", "external", "machine-check", "restart", "io"
    code: int
    ilc: int
    old_psw: int
    new_psw: int
    step: int


class RunHooks:
    """What a watcher of a CPU is told while the CPU runs: the trace recorder
    (``reference.trace``), the coverage observer (``Machine.observer``).

    Hooks are attached with ``CPU.attach_hooks``.  The CPU and the machine call
    them only while some are attached, so a run without them is the machine's
    own, and they change nothing: a watcher reads the state, it never changes it.
    Every method here does nothing; a watcher defines those it needs.

    The execution loop of ``reference.machine.machine.Machine`` calls:

    - ``run_begins()`` and ``run_ends()`` around ``Machine.run``;
    - ``decoded(ia, code, row)`` when it has fetched the bytes ``code`` of the
      instruction at ``ia`` and found their row of the opcode table (None: no
      such operation, the operation exception follows).  What it returns
      (``info``) is kept with the decoded instruction and handed back below;
    - in the fast loop: ``loop_begins()`` before its first instruction; it
      returns the function the loop calls with ``info`` after each instruction
      that completed when the loop goes on to the next one (the instruction
      alone has changed the state since it began), or None.  ``loop_ends(ia,
      info)`` when the loop hands control back, after the instruction at ``ia``
      completed or before the interruption it raised is taken (``info`` None: it
      could not be fetched or decoded);
    - one instruction at a time (PER, an invalid PSW, or hooks that set
      ``one_at_a_time``): ``step_begins()`` before an instruction (not before the
      early exception of an invalid PSW) and ``step_executed(row, exc)`` when it
      has executed or raised ``exc``, before its PER events and its interruption.

    Every interruption of a CPU calls ``interruption_begins(cpu)`` before it
    stores anything and ``interruption_taken(cpu, record)`` after its PSW swap.
    """

    # True: the machine executes one instruction at a time while these are attached.
    one_at_a_time = False

    def run_begins(self) -> None:
        pass

    def run_ends(self) -> None:
        pass

    def decoded(self, ia: int, code: bytes, row: opcodes.Instruction | None) -> Any:
        return None

    def loop_begins(self) -> Callable[[Any], None] | None:
        return None

    def loop_ends(self, ia: int, info: Any) -> None:
        pass

    def step_begins(self) -> None:
        pass

    def step_executed(self, row: opcodes.Instruction | None,
                      exc: Interruption | None) -> None:
        pass

    def interruption_begins(self, cpu: CPU) -> None:
        pass

    def interruption_taken(self, cpu: CPU, record: InterruptionRecord) -> None:
        pass


class _AllHooks(RunHooks):
    """Several hooks attached at once, each told in turn; what ``decoded``
    returns is the tuple of what each returned."""

    def __init__(self, hooks: tuple[RunHooks, ...]) -> None:
        self.hooks = hooks
        self.one_at_a_time = any(h.one_at_a_time for h in hooks)

    def run_begins(self) -> None:
        for h in self.hooks:
            h.run_begins()

    def run_ends(self) -> None:
        for h in self.hooks:
            h.run_ends()

    def decoded(self, ia: int, code: bytes, row: opcodes.Instruction | None) -> Any:
        return tuple(h.decoded(ia, code, row) for h in self.hooks)

    def loop_begins(self) -> Callable[[Any], None] | None:
        calls = [(n, f) for n, h in enumerate(self.hooks) if (f := h.loop_begins()) is not None]
        if not calls:
            return None

        def completed(info: Any) -> None:
            for n, f in calls:
                f(info[n])
        return completed

    def loop_ends(self, ia: int, info: Any) -> None:
        for n, h in enumerate(self.hooks):
            h.loop_ends(ia, None if info is None else info[n])

    def step_begins(self) -> None:
        for h in self.hooks:
            h.step_begins()

    def step_executed(self, row: opcodes.Instruction | None,
                      exc: Interruption | None) -> None:
        for h in self.hooks:
            h.step_executed(row, exc)

    def interruption_begins(self, cpu: CPU) -> None:
        for h in self.hooks:
            h.interruption_begins(cpu)

    def interruption_taken(self, cpu: CPU, record: InterruptionRecord) -> None:
        for h in self.hooks:
            h.interruption_taken(cpu, record)


# Decoded instructions are indexed by the 32-byte lines of absolute storage they
# lie in: a store looks up the lines it reaches.
CODE_LINE_SHIFT = 5


class CPU:
    """The architectural state of one CPU; ``mem`` and ``keys`` are its storage
    (absolute addresses) and the storage keys of its 2K blocks."""

    # The instruction functions by the names the opcode table uses
    # (``reference.machine.instructions.HANDLERS``), on the machine that executes
    # them; EXECUTE looks its target up here.
    _handlers: dict[str, Callable[..., Any]]

    def __init__(self, mem: Any, keys: Any) -> None:
        # ``mem`` and ``keys`` behave as bytearrays: the machine's own, views of
        # real storage, or a paged VM's storage (reference/vm/paging.py).
        # Decoded instructions (used by the executing machine): one dictionary per
        # fetch context, an index from each 32-byte line of absolute storage to
        # the decoded instructions with bytes in it (``_code_decoded``), and a flag
        # per 2K block holding one.
        self._icaches: dict[tuple[int, int], dict[int, Decoded]] = {}
        self._icache: dict[int, Decoded] = {}
        self._code_index: dict[int, list[tuple[dict[int, Any], int, int, int]]] = {}
        self._code_blocks = bytearray(len(keys))
        self.size = len(mem)
        self.mem = mem
        self.keys = keys
        self.gpr = [0] * 16
        self.fpr = [0] * 4       # floating-point registers 0, 2, 4, 6: fpr[r >> 1]
        self.cr = [0] * 16
        self.interruption_log: list[InterruptionRecord] | None = None
        self.tod_offset = 0
        self.tod_set = True
        self.power_on()

    # ------------------------------------------------------------------
    # Resets (GA22-7000 ch.4 "Resets")
    # ------------------------------------------------------------------
    def power_on(self) -> None:
        """Power-on reset: clear reset, and the clocks start from zero."""
        self.steps = 0
        self.interruptions = 0
        self.interruption_chain = 0
        self._steps_at_last_interruption = -1
        self.idle_us = 0
        self.tod_offset = 0
        self.clear_reset()

    def cpu_reset(self) -> None:
        """CPU reset: pending interruptions cleared; registers and storage kept."""
        self.pending_interrupt_key = False
        self.pending_interval_timer = False
        self.pending_signals: list[tuple[int, int]] = []  # (code, cpu address)
        self.pending_machine_checks: list[tuple[int, bool]] = []  # (code, exigent)
        self.pending_restart = False
        self.stopped: str | None = None
        self.per_event = 0

    def initial_cpu_reset(self) -> None:
        """Initial CPU reset: CPU reset plus PSW, prefix, CPU timer and clock
        comparator zero and the control registers at their reset values."""
        self.cpu_reset()
        self.set_psw(PSW())
        self.prefix = 0
        self.cr = [RESET_CR.get(i, 0) for i in range(16)]
        self.cpu_timer_value = 0
        self.cpu_timer_set_at = self.now()
        self.clock_comparator = 0
        self.interval_ticks = self.now() * INTERVAL_TIMER_HZ // 1_000_000
        self.control_changed()

    def clear_reset(self) -> None:
        """Clear reset: initial CPU reset, and storage, keys and registers zero."""
        self.mem[:] = bytes(self.size)
        self.keys[:] = bytes(len(self.keys))
        self.gpr = [0] * 16
        self.fpr[:] = [0] * 4
        self.initial_cpu_reset()

    # ------------------------------------------------------------------
    # The PSW
    # ------------------------------------------------------------------
    def set_psw(self, p: PSW) -> None:
        """Make ``p`` the current PSW.  An invalid EC-mode PSW is loaded as it is;
        the specification exception comes before the next instruction."""
        self._set_psw_fields(p.as_tuple())

    def load_psw_value(self, value: int) -> None:
        """Make the PSW whose 64 bits are ``value`` the current PSW."""
        self._set_psw_fields(fields_of(value))

    def _set_psw_fields(self, fields: PSWFields) -> None:
        mask, _, ec, machine_check, wait, _, _, _, _, _, _, _, invalid = fields
        service = self._newly_enabled(ec, mask, machine_check) or wait or bool(invalid)
        (self.system_mask, self.key, self.ec, self.machine_check_mask, self.wait,
         self.problem, self.secondary, self.bc_code, self.bc_ilc, self.cc,
         self.program_mask, self.ia, self.psw_invalid_bits) = fields
        # ILC of the early specification exception for an invalid PSW: 0 when the
        # PSW was introduced by LPSW or an interruption; SSM and STOSM set 2
        # (GA22-7000 ch.6 "Specification Exception").
        self.psw_invalid_ilc = 0
        self.psw_changed(service)

    def set_system_mask(self, mask: int) -> None:
        """Make ``mask`` bits 0-7 of the current PSW (SSM, STNSM, STOSM).  In the
        EC mode a one in bit 0 or 2-4 makes the PSW invalid."""
        service = self._newly_enabled(self.ec, mask, self.machine_check_mask)
        self.system_mask = mask
        if self.ec:
            self.psw_invalid_bits = (self.psw_invalid_bits & ~(0xFF << 56)) \
                | ((mask << 56) & EC_MUST_BE_ZERO)
            service = service or bool(self.psw_invalid_bits)
        self.psw_changed(service)

    # The PSW's mode and masks before the first PSW is loaded (the CPU reset's).
    ec = False
    system_mask = 0
    machine_check_mask = False

    def _newly_enabled(self, ec: bool, mask: int, machine_check: bool) -> bool:
        """Whether a PSW of mode ``ec`` with ``mask`` and ``machine_check`` is
        enabled for an interruption class the current PSW is disabled for: a
        condition already pending may then be taken before the next instruction.
        A PSW that only disables (or changes neither) leaves every pending
        condition as it was: masked, or taken already."""
        if ec != self.ec:
            return True
        return bool(mask & ~self.system_mask) or (machine_check and not self.machine_check_mask)

    def current_psw(self) -> PSW:
        return PSW(system_mask=self.system_mask, key=self.key, ec=self.ec,
                   machine_check=self.machine_check_mask, wait=self.wait,
                   problem=self.problem, secondary=self.secondary,
                   interruption_code=self.bc_code, ilc=self.bc_ilc, cc=self.cc,
                   program_mask=self.program_mask, address=self.ia,
                   invalid_bits=self.psw_invalid_bits)

    def psw_value(self) -> int:
        return self.current_psw().to_int()

    @property
    def dat_on(self) -> bool:
        return self.ec and bool(self.system_mask & 0x04)

    @property
    def per_on(self) -> bool:
        return self.ec and bool(self.system_mask & 0x40) and bool(self.cr[9] >> 28)

    def io_enabled(self) -> bool:
        if self.ec:
            return bool(self.system_mask & 0x02)
        return bool(self.system_mask & 0xFE)

    # The channel subsystem (``reference.io.channel.ChannelSubsystem``) of a
    # machine configured with devices; None on a machine without channels (and on
    # every VMCP virtual machine): no I/O interruption is ever pending then.
    channels: Any = None

    def io_channel_enabled(self, channel: int) -> bool:
        """Whether an I/O interruption from ``channel`` can be taken
        (GA22-7000 ch.6 "Input/Output Interruption"): in the BC mode channels 0-5
        by PSW bits 0-5; channels 6 and up (and every channel in the EC mode) by
        the I/O mask, PSW bit 6, and the channel's mask in CR2 (bit n for
        channel n, channels 0-31)."""
        mask = self.system_mask
        if not self.ec and channel < 6:
            return bool(mask & (0x80 >> channel))
        return bool(mask & 0x02) and channel < 32 and bool(self.cr[2] & (0x80000000 >> channel))

    def psw_changed(self, service: bool = True) -> None:
        """Called after any change of the PSW's masks, key, mode or state.
        ``service``: the change may call for the service between instructions
        (a class of interruptions enabled, the wait state, an invalid PSW); PER
        turned on, a new fetch context and attached hooks (which see the PSW
        change between runs of the fast loop) call for it too.  Otherwise the
        instructions go on without it.

        Decoded instructions are kept per fetch context (the PSW key, and the
        segment-table designation while DAT is on), so returning to a context
        finds its instructions decoded."""
        context = (self.key, self.cr[1] if self.ec and self.system_mask & 0x04 else -1)
        cache = self._icaches.get(context)
        if cache is None:
            cache = self._icaches[context] = {}
        if service or cache is not self._icache or self.per_on or self.hooks is not None:
            self.attention = True
        self._icache = cache

    def control_changed(self) -> None:
        """Called after a change of control registers, prefix, keys or the TLB."""
        self.dat_format = dat.Format(self.cr[0])
        self.purge_tlb()

    def load_control_registers(self, values: list[int]) -> None:
        """Load all sixteen control registers at once (the VMCP dispatching a VM).

        The TLB keys its entries by segment-table designation, so a new CR1 only
        selects other entries; the TLB and decoded instructions are purged only
        when the translation format in CR0 (bits 8-12) changes."""
        old_format = self.cr[0] & 0x00F80000
        self.cr = list(values)
        if self.cr[0] & 0x00F80000 != old_format:
            self.control_changed()
        else:
            self.psw_changed()

    def purge_tlb(self) -> None:
        # (std, virtual page) -> (frame, segment protected, PTE real address)
        self.tlb: dict[tuple[int, int], tuple[int, bool, int]] = {}
        self.flush_instruction_cache()

    def flush_instruction_cache(self) -> None:
        """Forget every decoded instruction (the dictionaries are emptied in place,
        so an execution loop holding one sees the change)."""
        for cache in self._icaches.values():
            cache.clear()
        self._code_index.clear()
        self._code_blocks[:] = bytes(len(self._code_blocks))
        self.psw_changed()

    def key_changed(self, block: int) -> None:
        """The storage key of 2K block ``block`` changed: instructions decoded from
        it were fetched under the old key (fetch protection, reference bit)."""
        if self._code_blocks[block]:
            self.flush_instruction_cache()

    # A store watcher sees every store into storage (``store_watcher(absolute
    # address, length)``, after the bytes are in place): traces record them.
    store_watcher: Any = None

    # The hooks attached (``RunHooks``): None, the one attached, or all of them.
    hooks: RunHooks | None = None
    one_at_a_time = False            # some of them want one instruction at a time
    _attached_hooks: tuple[RunHooks, ...] = ()

    def attach_hooks(self, hooks: RunHooks) -> None:
        """From now on ``hooks`` are told of this CPU's run (``RunHooks``)."""
        self._attached_hooks = (*self._attached_hooks, hooks)
        self._hooks_changed()

    def detach_hooks(self, hooks: RunHooks) -> None:
        self._attached_hooks = tuple(h for h in self._attached_hooks if h is not hooks)
        self._hooks_changed()

    @contextmanager
    def hooks_suspended(self) -> Iterator[None]:
        """Inside, no hooks are told of this CPU's run (the VMCP running a guest's
        guest on the real machine: that run is the guest's SIE still executing,
        whose effects its hooks see when it ends)."""
        attached = self._attached_hooks
        if not attached:
            yield
            return
        self._attached_hooks = ()
        self._hooks_changed()
        try:
            yield
        finally:
            self._attached_hooks = attached
            self._hooks_changed()

    def _hooks_changed(self) -> None:
        attached = self._attached_hooks
        if not attached:
            self.hooks = None
        elif len(attached) == 1:
            self.hooks = attached[0]
        else:
            self.hooks = _AllHooks(attached)
        self.one_at_a_time = self.hooks is not None and self.hooks.one_at_a_time

    def _code_decoded(self, cache: dict[int, Any], ia: int,
                      pieces: list[tuple[int, int]]) -> None:
        """The instruction at ``ia``, decoded from absolute bytes [start, end) of
        each of ``pieces``, is now in ``cache``: a store into those bytes forgets
        it (``_stored``)."""
        index = self._code_index
        for start, end in pieces:
            entry = (cache, ia, start, end)
            for line in range(start >> CODE_LINE_SHIFT, ((end - 1) >> CODE_LINE_SHIFT) + 1):
                entries = index.setdefault(line, [])
                # One entry per cached instruction: an earlier decoding of ``ia``
                # into the same cache is replaced.
                entries[:] = [e for e in entries if e[0] is not cache or e[1] != ia]
                entries.append(entry)
            self._code_blocks[start >> 11] = 1

    def _stored(self, a: int, n: int) -> None:
        """Absolute bytes [a, a+n) were stored: decoded instructions that include
        any of them are forgotten."""
        if self.store_watcher is not None:
            self.store_watcher(a, n)
        blocks = self._code_blocks
        if not (blocks[a >> 11] or blocks[(a + n - 1) >> 11]):
            return
        index = self._code_index
        after = a + n
        for line in range(a >> CODE_LINE_SHIFT, ((after - 1) >> CODE_LINE_SHIFT) + 1):
            entries = index.get(line)
            if entries is None:
                continue
            for entry in entries:
                if entry[2] < after and entry[3] > a:
                    break
            else:
                continue        # no instruction in the line includes a stored byte
            hit = [entry for entry in entries if entry[2] < after and entry[3] > a]
            for cache, ia, _, _ in hit:
                # (An entry of the same instruction under another line stays: it
                # forgets a later decoding of ``ia`` at worst.)
                cache.pop(ia, None)
            kept = [entry for entry in entries if entry not in hit]
            if kept:
                index[line] = kept
            else:
                del index[line]

    # ------------------------------------------------------------------
    # Addresses (GA22-7000 ch.3 "Addressing")
    # ------------------------------------------------------------------
    def real_to_absolute(self, real: int) -> int:
        """Prefixing: real 0-4095 and the prefix area exchange places."""
        page = real & 0xFFF000
        if page == 0:
            return real | self.prefix
        if page == self.prefix:
            return real & 0xFFF
        return real

    def absolute_to_real(self, absolute: int) -> int:
        return self.real_to_absolute(absolute)  # prefixing is its own inverse

    def _absolute(self, addr: int, store: bool, key: int, secondary: bool = False,
                  check: bool = False) -> int:
        """The absolute address of logical ``addr``, after translation, prefixing
        and the protection checks, with the reference (and change) bit set.
        The checks cover the 2K block that ``addr`` lies in."""
        protected = False
        if self.ec and self.system_mask & 0x04:
            real, protected = dat.translate(self, addr, secondary)
        else:
            real = addr
        if store:
            if protected:
                raise ProtectionException("segment protection")
            if addr < 512 and self.cr[0] & CR0_LOW_ADDRESS_PROTECTION:
                raise ProtectionException("low-address protection")
        page = real & 0xFFF000
        if page == 0:
            a = real | self.prefix
        elif page == self.prefix:
            a = real & 0xFFF
        else:
            a = real
        if a >= self.size:
            raise AddressingException(f"address {a:06X} beyond storage")
        block = a >> 11
        skey = self.keys[block]
        if key and skey >> 4 != key and (store or skey & 0x08):
            raise ProtectionException(f"key {key} against storage key {skey:02X}")
        if store:
            # check_store (``check``) only tests the access: no change bit.  The
            # PER storage-alteration event is recognized in store()/store_byte()
            # over every byte stored.
            if not check:
                self.keys[block] = skey | 0x06
        else:
            self.keys[block] = skey | 0x04
        return a

    per_storage_range: tuple[int, int] | None = None
    per_events_recognized = 0

    def _pieces(self, addr: int, length: int, store: bool, key: int | None,
                secondary: bool, check: bool = False) -> list[tuple[int, int]]:
        """(absolute address, length) pieces of a logical operand, every block
        checked before any is used; the operand wraps from 2**24-1 to 0."""
        k = self.key if key is None else key
        pieces = []
        while length > 0:
            n = min(length, 0x800 - (addr & 0x7FF))
            pieces.append((self._absolute(addr, store, k, secondary, check), n))
            addr = (addr + n) & MASK24
            length -= n
        return pieces

    # ------------------------------------------------------------------
    # Storage access by instructions (logical addresses)
    # ------------------------------------------------------------------
    def fetch(self, addr: int, length: int, key: int | None = None,
              secondary: bool = False) -> bytes:
        """Fetch ``length`` bytes from logical ``addr`` with the PSW key (or ``key``)."""
        if (addr & 0x7FF) + length <= 0x800:
            a = self._absolute(addr, False, self.key if key is None else key, secondary)
            return bytes(self.mem[a:a + length])
        return b"".join(bytes(self.mem[a:a + n])
                        for a, n in self._pieces(addr, length, False, key, secondary))

    def store(self, addr: int, data: bytes | bytearray, key: int | None = None,
              secondary: bool = False) -> None:
        """Store ``data`` at logical ``addr``; every byte's access is checked first."""
        length = len(data)
        if (addr & 0x7FF) + length <= 0x800:
            a = self._absolute(addr, True, self.key if key is None else key, secondary)
            self.mem[a:a + length] = data
            self._stored(a, length)
        else:
            offset = 0
            for a, n in self._pieces(addr, length, True, key, secondary):
                self.mem[a:a + n] = data[offset:offset + n]
                self._stored(a, n)
                offset += n
        if self.per_storage_range is not None and length:
            self._per_storage_check(addr, length)

    def check_store(self, addr: int, length: int, key: int | None = None,
                    secondary: bool = False) -> None:
        """Recognize the access exceptions of a store without storing."""
        self._pieces(addr, length, True, key, secondary, check=True)

    def fetch_byte(self, addr: int) -> int:
        return self.mem[self._absolute(addr, False, self.key)]

    def fetch_word(self, addr: int) -> int:
        if addr & 0x7FF <= 0x7FC:
            a = self._absolute(addr, False, self.key)
            return int.from_bytes(self.mem[a:a + 4], "big")
        return int.from_bytes(self.fetch(addr, 4), "big")

    def fetch_dword(self, addr: int) -> int:
        if addr & 0x7FF <= 0x7F8:
            a = self._absolute(addr, False, self.key)
            return int.from_bytes(self.mem[a:a + 8], "big")
        return int.from_bytes(self.fetch(addr, 8), "big")

    def store_byte(self, addr: int, value: int) -> None:
        a = self._absolute(addr, True, self.key)
        self.mem[a] = value & 0xFF
        self._stored(a, 1)
        if self.per_storage_range is not None:
            self._per_storage_check(addr, 1)

    def store_half(self, addr: int, value: int) -> None:
        self.store(addr, (value & 0xFFFF).to_bytes(2, "big"))

    def store_word(self, addr: int, value: int) -> None:
        self.store(addr, (value & MASK32).to_bytes(4, "big"))

    def store_dword(self, addr: int, value: int) -> None:
        self.store(addr, (value & MASK64).to_bytes(8, "big"))

    # Real and absolute accesses by the CPU itself (no key, no DAT).
    def _real_abs(self, real: int, length: int) -> int:
        a = self.real_to_absolute(real & MASK24)
        if a + length > self.size:
            raise AddressingException(f"real address {real:06X} beyond storage")
        return a

    def fetch_real_word_for_translation(self, real: int) -> int:
        a = self._real_abs(real, 4)
        self.keys[a >> 11] |= 0x04
        return int.from_bytes(self.mem[a:a + 4], "big")

    def fetch_real_half_for_translation(self, real: int) -> int:
        a = self._real_abs(real, 2)
        self.keys[a >> 11] |= 0x04
        return int.from_bytes(self.mem[a:a + 2], "big")

    def read_real(self, real: int, length: int) -> bytes:
        """Read low storage by real address (interruption code, PSW locations)."""
        a = self._real_abs(real, length)
        return bytes(self.mem[a:a + length])

    def real_storage(self, start: int, length: int) -> bytes:
        """Bytes of real storage (prefixing applied, no checks), for dumps."""
        out = bytearray()
        while length > 0:
            n = min(length, 0x1000 - (start & 0xFFF))
            a = self.real_to_absolute(start)
            out += self.mem[a:a + n]
            start, length = start + n, length - n
        return bytes(out)

    def write_real(self, real: int, data: bytes) -> None:
        """Store into real storage for the CPU itself: interruption PSWs and codes.
        Key protection does not apply; the reference and change bits are set."""
        a = self._real_abs(real, len(data))
        self.mem[a:a + len(data)] = data
        for block in range(a >> 11, (a + len(data) - 1 >> 11) + 1):
            self.keys[block] |= 0x06
        self._stored(a, len(data))

    # ------------------------------------------------------------------
    # Registers and effective addresses
    # ------------------------------------------------------------------
    def address(self, x: int, b: int, d: int) -> int:
        """The 24-bit effective address D(X,B); register 0 means no register."""
        g = self.gpr
        return ((g[x] if x else 0) + (g[b] if b else 0) + d) & MASK24

    def branch_to(self, target: int) -> None:
        """A successful branch (recorded for PER's successful-branching event)."""
        self.ia = target & MASK24
        if self.per_tracking:
            self.per_event |= 0x80

    per_tracking = False

    # ------------------------------------------------------------------
    # Time (GA22-7000 ch.4 "Timing")
    # ------------------------------------------------------------------
    def now(self) -> int:
        """Microseconds since power-on: one per instruction, plus time spent waiting."""
        return self.steps * INSTRUCTION_TIME_US + self.idle_us

    def tod(self) -> int:
        return (self.tod_offset + self.now() * TOD_UNITS_PER_US) & MASK64

    def set_tod(self, value: int) -> None:
        """SET CLOCK: bits beyond the clock's resolution (bit 51) are ignored."""
        self.tod_offset = ((value & ~0xFFF) - self.now() * TOD_UNITS_PER_US) & MASK64

    def cpu_timer(self) -> int:
        elapsed = (self.now() - self.cpu_timer_set_at) * TOD_UNITS_PER_US
        return (self.cpu_timer_value - elapsed) & MASK64

    def set_cpu_timer(self, value: int) -> None:
        self.cpu_timer_value = value & MASK64
        self.cpu_timer_set_at = self.now()
        self.attention = True

    def set_clock_comparator(self, value: int) -> None:
        self.clock_comparator = value & MASK64
        self.attention = True

    def _update_interval_timer(self) -> None:
        """Decrement the word at real location 80 for the ticks that have passed."""
        ticks = self.now() * INTERVAL_TIMER_HZ // 1_000_000
        n = ticks - self.interval_ticks
        if n <= 0:
            return
        self.interval_ticks = ticks
        old = int.from_bytes(self.read_real(INTERVAL_TIMER, 4), "big")
        new = (old - n * INTERVAL_TIMER_UNIT) & MASK32
        a = self.real_to_absolute(INTERVAL_TIMER)
        self.mem[a:a + 4] = new.to_bytes(4, "big")
        self._stored(a, 4)
        # "from a positive number or zero to a negative number": one of the n
        # decrements goes from a value in 0..X'FF' to a negative one exactly when
        # n > old // X'100' (old taken unsigned), also when a long wait decrements
        # a negative value through the wrap to positive and on below zero.
        if n > old // INTERVAL_TIMER_UNIT:
            self.pending_interval_timer = True

    def next_interval_tick(self) -> int:
        """The time (microseconds) of the interval timer's next step."""
        return ((self.interval_ticks + 1) * 1_000_000 + INTERVAL_TIMER_HZ - 1) \
            // INTERVAL_TIMER_HZ

    def _next_timer_event(self) -> int:
        """The earliest time (microseconds) at which a timer condition can change."""
        now = self.now()
        events = [self.next_interval_tick()]
        timer = self.cpu_timer()
        if not timer >> 63:
            events.append(now + timer // TOD_UNITS_PER_US + 1)
        tod = self.tod()
        if tod <= self.clock_comparator:
            events.append(now + (self.clock_comparator - tod) // TOD_UNITS_PER_US + 1)
        # The next channel event (a command ending, a device's attention):
        # the fast loop stops there so that its interruption comes on time.
        if self.channels is not None:
            t = self.channels.next_event()
            if t is not None:
                events.append(t)
        return min(events)

    # ------------------------------------------------------------------
    # Interruptions (GA22-7000 ch.6)
    # ------------------------------------------------------------------
    def _begin_interruption(self) -> None:
        """Every interruption begins here, before it stores anything: the hooks
        attached are told (``RunHooks.interruption_begins``)."""
        hooks = self.hooks
        if hooks is not None:
            hooks.interruption_begins(self)

    def _swap(self, kind: str, old_at: int, new_at: int, code: int, ilc: int) -> None:
        """The PSW swap that ends every interruption: store the current PSW at
        ``old_at`` (in the BC mode with the interruption code and ILC in it) and
        load the one at ``new_at``."""
        old = self.current_psw()
        if not old.ec:
            old.interruption_code = code
            old.ilc = ilc
        old_value = old.to_int()
        self.write_real(old_at, old_value.to_bytes(8, "big"))
        new_value = int.from_bytes(self.read_real(new_at, 8), "big")
        self.load_psw_value(new_value)
        self.interruptions += 1
        if self.steps == self._steps_at_last_interruption:
            self.interruption_chain += 1
        else:
            self.interruption_chain = 1
        self._steps_at_last_interruption = self.steps
        hooks = self.hooks
        if self.interruption_log is not None or hooks is not None:
            record = InterruptionRecord(kind, code, ilc, old_value, new_value, self.steps)
            if self.interruption_log is not None:
                self.interruption_log.append(record)
            if hooks is not None:
                hooks.interruption_taken(self, record)

    def program_interruption(self, exc: ProgramInterruption, ilc: int,
                             instruction_address: int) -> None:
        """Perform a program interruption for ``exc`` raised by the instruction at
        ``instruction_address`` whose length code is ``ilc``."""
        self._begin_interruption()
        if exc.nullify:
            self.ia = instruction_address
        code = exc.code
        if isinstance(exc, (SegmentTranslation, PageTranslation)):
            self.write_real(TRANSLATION_EXCEPTION_ADDRESS, exc.address.to_bytes(4, "big"))
        if isinstance(exc, MonitorEvent):
            # "The monitor event can occur in both the EC and BC modes. Additional
            # information is stored at real locations 148-149 and 156-159. The
            # format ... is the same in the EC and BC modes." (GA22-7000-10 p.172;
            # Hercules 3.13 stores nothing in BC mode: docs/hercules-differences.md)
            self.write_real(MONITOR_CLASS, bytes([exc.monitor_class]))
            self.write_real(MONITOR_CODE, exc.monitor_code.to_bytes(4, "big"))
        if self.per_event:
            code |= 0x0080
            # The PER code is the halfword at 150: event bits 0-3, the rest zero.
            self.write_real(PER_CODE, bytes([self.per_event, 0]))
            self.write_real(PER_ADDRESS, instruction_address.to_bytes(4, "big"))
            self.per_event = 0
        if self.ec:
            self.write_real(PROGRAM_ILC - 1, bytes([0, ilc << 1]) + code.to_bytes(2, "big"))
        self._swap("program", PROGRAM_OLD, PROGRAM_NEW, code, ilc)

    def invalid_psw_interruption(self, ia: int) -> None:
        """The early specification exception of an invalid PSW, recognized as a
        step of its own before the instruction at ``ia``: the old PSW is the
        invalid one, ILC 0 when LPSW or an interruption introduced it, 2 after SSM
        or STOSM (GA22-7000 ch.6 "Specification Exception")."""
        self.steps += 1
        self.program_interruption(SpecificationException("invalid PSW"),
                                  self.psw_invalid_ilc, ia)

    def supervisor_call_interruption(self, number: int, ilc: int) -> None:
        self._begin_interruption()
        if self.ec:
            self.write_real(SVC_ILC - 1, bytes([0, ilc << 1]) + number.to_bytes(2, "big"))
        self._swap("svc", SVC_OLD, SVC_NEW, number, ilc)

    def external_interruption(self, code: int, cpu_address: int | None = None) -> None:
        self._begin_interruption()
        if cpu_address is not None:
            self.write_real(EXTERNAL_CPU_ADDRESS, cpu_address.to_bytes(2, "big"))
        if self.ec:
            self.write_real(EXTERNAL_CODE, code.to_bytes(2, "big"))
        self._swap("external", EXTERNAL_OLD, EXTERNAL_NEW, code, 0)

    def machine_check_interruption(self, code: int) -> None:
        self._begin_interruption()
        self.write_real(MCHECK_CODE, code.to_bytes(8, "big"))
        self._swap("machine-check", MCHECK_OLD, MCHECK_NEW, 0, 0)

    def restart_interruption(self) -> None:
        self._begin_interruption()
        self._swap("restart", RESTART_OLD, RESTART_NEW, 0, 0)

    def io_interruption(self, address: int, csw: bytes) -> None:
        """An I/O interruption (GA22-7000 ch.6 "Input/Output Interruption"): the
        CSW at real location 64; the I/O address (channel and device) in the old
        PSW's interruption code in the BC mode, at real locations 186-187 in the
        EC mode; old PSW at 56, new PSW from 120."""
        self._begin_interruption()
        self.write_real(CSW, csw)
        if self.ec:
            self.write_real(IO_ADDRESS, address.to_bytes(2, "big"))
        self._swap("io", IO_OLD, IO_NEW, address, 0)

    # Operator and test hooks that make interruptions pending
    def press_interrupt_key(self) -> None:
        self.pending_interrupt_key = True
        self.attention = True

    def press_restart_key(self) -> None:
        self.pending_restart = True
        self.attention = True

    def inject_machine_check(self, code: int, exigent: bool = False) -> None:
        """Make a machine-check condition pending (for tests and the operator).

        An exigent condition while PSW bit 13 is zero puts the CPU in the
        check-stop state when CR14 bit 0 (check-stop control) is one."""
        if exigent and not self.machine_check_mask and self.cr[14] & 0x80000000:
            self.stopped = STOP_CHECK_STOP
        else:
            self.pending_machine_checks.append((code, exigent))
        self.attention = True

    def _external_pending(self) -> tuple[int, int | None] | None:
        """The external interruption to take next, if any is pending and enabled."""
        cr0 = self.cr[0]
        group = 0
        if self.pending_interrupt_key and cr0 & EXT_INTERRUPT_KEY[1]:
            group |= EXT_INTERRUPT_KEY[0]
        if self.pending_interval_timer and cr0 & EXT_INTERVAL_TIMER[1]:
            group |= EXT_INTERVAL_TIMER[0]
        if group:
            return group, None
        for code, address in self.pending_signals:
            mask = EXT_EMERGENCY_SIGNAL[1] if code == EXT_EMERGENCY_SIGNAL[0] \
                else EXT_EXTERNAL_CALL[1]
            if cr0 & mask:
                return code, address
        if cr0 & EXT_CLOCK_COMPARATOR[1] and self.tod() > self.clock_comparator:
            return EXT_CLOCK_COMPARATOR[0], None
        if cr0 & EXT_CPU_TIMER[1] and self.cpu_timer() >> 63:
            return EXT_CPU_TIMER[0], None
        return None

    def interruption_pending(self) -> bool:
        """Whether the service between instructions would take an interruption
        now (one pending for which the CPU is enabled) or stop."""
        if self.stopped or self.pending_restart:
            return True
        if self.machine_check_mask and self.pending_machine_checks:
            return True
        if self.system_mask & 0x01 and self._external_pending() is not None:
            return True
        return self.channels is not None and bool(self.system_mask & 0xFE) \
            and self.channels.any_enabled_pending()

    def start_interpretive_execution(self, sd: int) -> None:
        """START INTERPRETIVE EXECUTION of the state description at real ``sd``:
        a CPU without the facility (the real machine has it,
        ``reference.machine.machine.Machine``) recognizes an operation exception."""
        raise OperationException("interpretive execution is not provided")

    def _take_one_pending(self) -> bool:
        """Take the highest-priority enabled pending interruption, if any.

        Priority (GA22-7000 ch.6 "Priority of Interruptions"): machine check,
        external, input/output, restart.  Program and supervisor-call
        interruptions belong to the instruction and are taken when it ends."""
        if self.machine_check_mask and self.pending_machine_checks:
            code, _ = self.pending_machine_checks.pop(0)
            self.machine_check_interruption(code)
            return True
        if self.system_mask & 0x01:
            ext = self._external_pending()
            if ext is not None:
                code, address = ext
                if code & 0xFF00 == 0:   # the interval-timer/interrupt-key set
                    if code & EXT_INTERRUPT_KEY[0]:
                        self.pending_interrupt_key = False
                    if code & EXT_INTERVAL_TIMER[0]:
                        self.pending_interval_timer = False
                elif address is not None:
                    self.pending_signals.remove((code, address))
                self.external_interruption(code, address)
                return True
        # Input/output interruptions come after external ones and before
        # restart; the channel subsystem picks the condition (oldest first).
        if self.channels is not None and self.system_mask & 0xFE:
            io = self.channels.next_interruption()
            if io is not None:
                self.io_interruption(*io)
                return True
        if self.pending_restart:
            self.pending_restart = False
            self.restart_interruption()
            return True
        return False

    def _interval_timer_crossing(self) -> int:
        """Ticks until the interval timer next goes from positive or zero to negative."""
        u = int.from_bytes(self.read_real(INTERVAL_TIMER, 4), "big")
        ticks = 0
        if u & 0x80000000:  # negative: first decrement through the wrap to positive
            n = (u - 0x80000000) // INTERVAL_TIMER_UNIT + 1
            ticks, u = n, (u - n * INTERVAL_TIMER_UNIT) & MASK32
        return ticks + u // INTERVAL_TIMER_UNIT + 1

    def _wait_ends_at(self) -> int | None:
        """The time (microseconds) at which an interruption can end the current
        wait, or None when no interruption source can ever end it."""
        if self.pending_restart or (self.machine_check_mask and self.pending_machine_checks):
            return self.now()
        # An enabled I/O condition ends the wait now; otherwise the next
        # channel event may (it is looked at again then).
        io_time = None
        if self.channels is not None and self.system_mask & 0xFE:
            if self.channels.any_enabled_pending():
                return self.now()
            io_time = self.channels.next_event()
        if not self.system_mask & 0x01:
            return io_time
        ends = self._external_wait_ends_at()
        if io_time is not None and (ends is None or io_time < ends):
            return io_time
        return ends

    def _external_wait_ends_at(self) -> int | None:
        """The time at which an external interruption can end the wait."""
        cr0 = self.cr[0]
        if (self.pending_interrupt_key and cr0 & EXT_INTERRUPT_KEY[1]) or any(
                cr0 & (EXT_EMERGENCY_SIGNAL[1] if c == EXT_EMERGENCY_SIGNAL[0]
                       else EXT_EXTERNAL_CALL[1]) for c, _ in self.pending_signals):
            return self.now()
        now = self.now()
        times = []
        if cr0 & EXT_CPU_TIMER[1]:
            times.append(now + self.cpu_timer() // TOD_UNITS_PER_US + 1)
        if cr0 & EXT_CLOCK_COMPARATOR[1]:
            tod = self.tod()
            steps = max(0, self.clock_comparator - tod) // TOD_UNITS_PER_US + 1
            # A comparator the clock cannot pass before it wraps (for example
            # X'FFFFFFFFFFFFFFFF') can never end the wait.
            if tod + steps * TOD_UNITS_PER_US <= MASK64:
                times.append(now + steps)
        if cr0 & EXT_INTERVAL_TIMER[1]:
            tick = self.interval_ticks + self._interval_timer_crossing()
            times.append((tick * 1_000_000 + INTERVAL_TIMER_HZ - 1) // INTERVAL_TIMER_HZ)
        return min(times) if times else None

    # ------------------------------------------------------------------
    # One instruction: its PER events and the interruption that ends it
    # ------------------------------------------------------------------
    # Every instruction executed goes through ``begin_instruction`` and
    # ``end_instruction``: in the machine's execution loop
    # (reference.machine.machine) and where the VMCP performs a guest's
    # instruction on its virtual state.
    per_monitoring = False           # PER monitors the instruction under way

    def begin_instruction(self, ia: int) -> None:
        """The instruction at ``ia`` begins.  While PER is on, the events it
        causes are recognized from here on (GA22-7000 ch.4 "Program-Event
        Recording")."""
        per = self.per_on
        self.per_monitoring = per
        if per:
            self._per_begin(ia)

    def end_instruction(self, ia: int, length: int, exc: Interruption | None = None,
                        per_events: int | None = None) -> None:
        """The instruction at ``ia`` of ``length`` bytes (0: it could not be
        fetched or decoded) has completed (``exc`` None) or raised ``exc``, the
        instruction address already past it.  Its PER events are indicated (a
        program interruption of their own when it completed) and the interruption
        ``exc`` calls for is taken.

        ``per_events``: the instruction was executed elsewhere under PER, where
        these events were recognized (the real machine executing a VMCP guest's
        instruction); they are indicated as this CPU's own."""
        per = self.per_monitoring
        self.per_monitoring = False
        if per_events is not None:
            per = True
            self.per_event = per_events
        if per:
            if length == 0 and exc is not None and not isinstance(exc, OperationException):
                # An instruction that cannot be fetched (odd address, access
                # exception) indicates no PER event (GA22-7000 ch.4 "Indication of
                # PER Events with Other Concurrent Conditions").
                self.per_event = 0
            self._per_end(ia, length, exc)
        if exc is None:
            return
        self._instruction_interrupted(exc, ia, length)
        if per and isinstance(exc, SupervisorCall) and self.per_event:
            # SVC with a PER event: the supervisor-call interruption comes first,
            # then a program interruption for PER with the SVC new PSW as old PSW
            # (and a specification exception, ILC 0, if that PSW is invalid)
            # (GA22-7000 ch.4 "Program-Event Recording").
            self._per_interruption(ia, length)

    def _instruction_interrupted(self, exc: Interruption, ia: int, length: int) -> None:
        """The interruption for ``exc``, raised by the instruction at ``ia`` of
        ``length`` bytes (0: by its fetch or decoding)."""
        if isinstance(exc, SupervisorCall):
            self.supervisor_call_interruption(exc.number, length >> 1)
            return
        assert isinstance(exc, ProgramInterruption)
        if length == 0:
            # Exception of instruction fetch: the instruction did not start.  The
            # ILC is model-dependent; like Hercules, this model reports 1 (two bytes)
            # and, unless the exception nullifies, points the old PSW past them.
            self.steps += 1
            length = 2
            if not isinstance(exc, OperationException):
                self.ia = (ia + 2) & MASK24
            else:
                length = opcodes.instruction_length(self._peek_first_byte(ia))
                self.ia = (ia + length) & MASK24
        self.program_interruption(exc, length >> 1, ia)

    def _peek_first_byte(self, ia: int) -> int:
        a = self._absolute(ia, False, self.key)
        return self.mem[a]

    # --- Program-event recording (GA22-7000 ch.4 "Program-Event Recording") ---
    _per_gpr: _RecordingRegisters | None = None
    _per_cr9 = 0

    def _per_in_range(self, addr: int) -> bool:
        start, end = self.cr[10] & MASK24, self.cr[11] & MASK24
        if start <= end:
            return start <= addr <= end
        return addr >= start or addr <= end

    def _per_begin(self, ia: int) -> None:
        """PER monitoring of the instruction at ``ia`` begins."""
        cr9 = self.cr[9]
        self._per_cr9 = cr9
        self.per_event = 0
        self.per_tracking = bool(cr9 & 0x80000000)
        self.per_storage_range = (0, 0) if cr9 & 0x20000000 else None
        # A general register counts as altered whenever a value is placed in it,
        # even the same value ("Recognition of the event is not contingent on the
        # new value being different"): the stores are recorded.
        self._per_gpr = None
        if cr9 & 0x10000000:
            self._per_gpr = _RecordingRegisters(self.gpr)
            self.gpr = self._per_gpr
        if cr9 & 0x40000000 and self._per_in_range(ia):
            self.per_event |= 0x40

    def _per_storage_check(self, addr: int, length: int = 1) -> None:
        """Storage alteration: any byte of ``length`` bytes stored at logical
        ``addr`` (wrapping at 2**24) inside the CR10-CR11 range."""
        start, end = self.cr[10] & MASK24, self.cr[11] & MASK24
        last = addr + length - 1
        stored = [(addr, min(last, MASK24))]
        if last > MASK24:
            stored.append((0, last & MASK24))
        ranges = [(start, end)] if start <= end else [(start, MASK24), (0, end)]
        if any(a <= hi and lo <= b for a, b in stored for lo, hi in ranges):
            self.per_event |= 0x20

    def _per_end(self, ia: int, length: int, exc: Interruption | None) -> None:
        """End PER monitoring of one instruction.  The events that happened are
        indicated when the instruction completes or is terminated, also with a
        concurrent exception (a suppressed instruction stores nothing, so records
        no alteration); a nullified one indicates only instruction fetching
        (GA22-7000 ch.4 "Indication of PER Events")."""
        recorder = self._per_gpr
        if recorder is not None:
            if self.gpr is recorder:
                altered = recorder.altered
            else:  # a handler replaced the register list: compare the values
                altered = sum(1 << r for r in range(16) if self.gpr[r] != recorder[r])
            if any(altered >> r & 1 and self._per_cr9 >> (15 - r) & 1 for r in range(16)):
                self.per_event |= 0x10
            self.gpr = list(self.gpr)
            self._per_gpr = None
        self.per_tracking = False
        self.per_storage_range = None
        # The events before a nullifying exception drops them: what a VMCP needs
        # when it reports the exception to its guest as a non-nullifying one.
        self.per_events_recognized = self.per_event
        if exc is not None:
            if isinstance(exc, ProgramInterruption) and exc.nullify:
                self.per_event &= 0x40
            return
        if self.per_event:
            self._per_interruption(ia, length)

    def _per_interruption(self, ia: int, length: int) -> None:
        """A program interruption for the PER events of a completed instruction;
        a specification exception for an invalid PSW that the instruction
        introduced is indicated with it (code X'0086'; ILC 0 after LPSW or SVC,
        2 after SSM or STOSM)."""
        if self.psw_invalid_bits:
            self.invalid_psw_interruption(ia)
        else:
            self.program_interruption(_PEREvent(), length >> 1, ia)

    def settle(self, max_steps: int) -> tuple[str, int | str | None]:
        """Between instructions: the interval timer, the pending interruptions
        that are enabled (each taken in priority order), and the wait state.

        Returns ``("run", None)`` when an instruction is next, ``("stop", reason)``
        when the CPU stops, or ``("wait", t)`` for an enabled wait that an
        interruption can end at time ``t`` (microseconds).  ``max_steps`` bounds
        a chain of interruptions taken with no instruction between them."""
        if self.stopped:
            return "stop", self.stopped
        self._update_interval_timer()
        if self.channels is not None:
            self.channels.advance(self.now())  # channel events due by now
        if self.psw_invalid_bits:
            # Early exception recognition: the program
            # interruption occurs immediately after the invalid PSW becomes
            # active, regardless of the wait state and instead of pending
            # I/O, external or machine-check interruptions (GA22-7000 ch.6).
            return "run", None
        while self._take_one_pending():
            if self.interruption_chain >= max_steps:
                return "stop", STOP_STEP_LIMIT
        if not self.wait:
            return "run", None
        if not (self.system_mask & 0x01 or self.io_enabled()):
            return "stop", STOP_DISABLED_WAIT
        ends = self._wait_ends_at()
        if ends is None:
            return "stop", STOP_ENABLED_WAIT
        return "wait", ends

    # ------------------------------------------------------------------
    # Whole state
    # ------------------------------------------------------------------
    def state(self) -> State:
        pending = []
        if self.pending_interrupt_key:
            pending.append("interrupt-key")
        if self.pending_interval_timer:
            pending.append("interval-timer")
        pending += [f"signal:{c:04X}:{a}" for c, a in self.pending_signals]
        pending += [f"machine-check:{c:016X}" for c, _ in self.pending_machine_checks]
        if self.channels is not None:
            pending += self.channels.pending_names()
        return State(
            psw=self.psw_value(), gpr=tuple(self.gpr), fpr=tuple(self.fpr), cr=tuple(self.cr),
            prefix=self.prefix,
            tod=self.tod(), clock_comparator=self.clock_comparator, cpu_timer=self.cpu_timer(),
            interval_timer=int.from_bytes(self.read_real(INTERVAL_TIMER, 4), "big"),
            storage=bytes(self.mem), keys=bytes(self.keys), pending=tuple(pending),
            stopped=self.stopped)

    def load_image(self, image: bytes, address: int = 0) -> None:
        """Place ``image`` at absolute ``address`` (as IPL or a loader does)."""
        if address + len(image) > self.size:
            raise StorageSizeError(
                f"image of {len(image)} bytes at {address:X} does not fit in "
                f"{self.size} bytes of storage")
        self.mem[address:address + len(image)] = image
        self.flush_instruction_cache()

    def ipl_psw(self) -> None:
        """Load the PSW from absolute location 0, as IPL completes."""
        self.load_psw_value(int.from_bytes(self.mem[0:8], "big"))


class _RecordingRegisters(list[int]):
    """The general registers while PER watches for their alteration: a list that
    records, as a bit mask (bit r for register r), which registers were stored."""

    def __init__(self, values: list[int]) -> None:
        super().__init__(values)
        self.altered = 0

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            for r in range(*index.indices(16)):
                self.altered |= 1 << r
        else:
            self.altered |= 1 << (index % 16)
        super().__setitem__(index, value)


class _PEREvent(ProgramInterruption):
    """A PER event with no other exception: code 0 here, ORed with X'0080'."""

    code = 0x0000
