"""Interpretive execution: the machine runs a guest that a state description defines.

Theory of operation
-------------------
START INTERPRETIVE EXECUTION (SIE, X'B214', privileged) is this machine's
extension of System/370, modelled on the SIE of 370-XA (docs/interpretive-
execution.md describes it for the programmer, with every deviation from 370-XA).
Its second-operand address is the real address of a 256-byte state description
(SD) in the host's storage.  The machine

1. checks the SD: when it cannot describe a guest, a validity interception;
2. loads the guest from it into a ``Guest``: an ``Executor`` of its own (the same
   instruction functions, the same execution loop) whose storage is a view of the
   host's: for a resident guest an extent of host real storage at an origin, for a
   pageable guest host virtual storage at an origin, translated by the host's DAT
   tables;
3. executes the guest's instructions in the guest's own mode (BC or EC,
   supervisor or problem state): its privileged instructions act on its own state,
   its DAT translates guest virtual to guest real by its own tables (and the
   view, guest absolute to host), its interruptions are presented to it through
   its own low storage, and its CPU timer, clock comparator and interval timer
   run on its own time;
4. ends with an interception, a ``Interception`` raised where the guest needs
   its host: an instruction the facility leaves to the host (I/O, DIAGNOSE,
   SIGP, SIE, STIDP, and those the SD's controls select), the wait state, a
   request for an interruption the host holds, a program interruption the controls
   select, a chain of interruptions with no instruction between them; or
5. ends without one when the host needs its CPU: an interruption pending for
   which the host's PSW is enabled, or the bound of the host's run.  The host's
   instruction address is then left at the SIE, which the host's program executes
   again, after the interruption, to go on with the guest.

Either way the guest's state goes back into the SD.  The guest's general registers
0-13 and its floating-point registers are the host's while it runs (the host
loads them before SIE and finds them there after); registers 14 and 15 are in the
SD, the host's own are kept.

*Time.*  A guest's instruction is an instruction of the machine: it advances the
host's clock by one microsecond, and the host's CPU timer runs down with it.  At
each host timer event inside interpretation the machine does what the service
between the host's instructions does for the host (its interval timer at host
location 80, its channels) and goes on unless the host is now interruptible.  The
guest's own clock (its elapsed time, the SD's model-dependent words) advances with
its instructions only; its TOD clock is the host's plus the SD's epoch difference.

*Decoded instructions.*  A guest's decoded instructions are indexed, as the host's
are, by the host absolute addresses of their bytes, in the host's index: a store
into them from anywhere (the host, a channel, the guest itself, another guest)
forgets them.  Anything that empties the host's decoded instructions empties every
guest's too (``Guest.flush_instruction_cache``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, NamedTuple

from reference.arch import dat, opcodes
from reference.arch.interrupts import (
    AddressingException,
    Interruption,
    PageTranslation,
    PrivilegedOperation,
    ProgramInterruption,
    SegmentTranslation,
    SpecificationException,
)
from reference.arch.lowcore import MASK24, MASK32, MASK64, TOD_UNITS_PER_US
from reference.machine.cpu import STOP_STEP_LIMIT
from reference.machine.execution import Executor

# ---------------------------------------------------------------------------
# The state description (docs/interpretive-execution.md, "State description")
# ---------------------------------------------------------------------------
SD_SIZE = 256
SD_BOUNDARY = 256

SD_REQUESTS = 0x00             # V: interruptions the host holds for the guest
SD_STATE = 0x01                # S: state the machine keeps between executions
SD_MODE = 0x03                 # M: the guest's mode
SD_PREFIX = 0x04
SD_ORIGIN = 0x08               # main-storage origin (bytes)
SD_EXTENT = 0x0C               # main-storage extent (bytes)
SD_GR14 = 0x10                 # general registers 14 and 15
SD_PSW = 0x18
SD_CPU_TIMER = 0x28
SD_CLOCK_COMPARATOR = 0x30
SD_EPOCH = 0x38                # guest TOD minus host TOD
SD_SVC_CONTROLS = 0x40
SD_LCTL_CONTROLS = 0x44
SD_CONTROLS = 0x48             # interception controls, 8 bytes (IC0-IC7)
SD_CODE = 0x50                 # interception code
SD_FLAGS = 0x51                # interception status
SD_IPA = 0x56                  # instruction parameters: bytes 0-1 of the instruction
SD_IPB = 0x58                  # ... bytes 2-5
SD_KEY_AREA = 0x60             # origin of the guest's storage keys (0: the host's)
SD_CR = 0x80                   # control registers 0-15
SD_IP = 0xC0                   # interruption parameters of a program interception
SD_ELAPSED = 0xE0              # the guest's elapsed time (microseconds)
SD_INSTRUCTIONS = 0xE8         # the guest's instructions executed
SD_INTERVAL_STEPS = 0xF0       # interval-timer steps applied
SD_CHAIN = 0xF8                # interruptions since the guest's last instruction
SD_CHAIN_LIMIT = 0xFC          # interruptions in a row that end interpretation (0: 256)

# The whole SD as one record.  The bytes no field names (02, 20-27, 52-55,
# 5C-5F, 64-7F, C8-DF) are reserved: the machine stores zeros there when SIE ends.
SD_LAYOUT = struct.Struct(">BBxBIIIIIQ8xQQQ16sBB4xHI4xI28x16I8s24xQQQII")


class StateDescription(NamedTuple):
    """The fields of a state description, in the order of ``SD_LAYOUT``."""

    requests: int
    state: int
    mode: int
    prefix: int
    origin: int
    extent: int
    gr14: int
    gr15: int
    psw: int
    cpu_timer: int
    clock_comparator: int
    epoch: int
    controls: bytes              # X'40'-X'4F': SVC, LCTL and interception controls
    code: int
    flags: int
    ipa: int
    ipb: int
    key_area: int
    cr: tuple[int, ...]
    parameters: bytes            # X'C0'-X'C7'
    elapsed: int
    instructions: int
    interval_steps: int
    chain: int
    chain_limit: int

    @classmethod
    def read(cls, data: Any, at: int = 0) -> StateDescription:
        v = SD_LAYOUT.unpack_from(data, at)
        return cls._make(v[:18] + (v[18:34],) + v[34:])

    def write(self, buffer: Any, at: int = 0) -> None:
        SD_LAYOUT.pack_into(buffer, at, *self[:18], *self.cr, *self[19:])


# V: requests
REQUEST_EXTERNAL = 0x01
REQUEST_IO = 0x02
REQUEST_MACHINE_CHECK = 0x20
# S: state
STATE_INTERVAL_TIMER_PENDING = 0x80
STATE_INVALID_PSW_BY_SSM = 0x20      # an invalid PSW introduced by SSM or STOSM (ILC 2)
# M: mode
MODE_370 = 0x10                # required: a System/370 guest
MODE_RESIDENT = 0x08           # origin and extent in host real storage (else host virtual)
MODE_INTERVAL_TIMER_OFF = 0x04  # the guest's interval timer is not updated
# Interception status
FLAG_EXECUTE = 0x01            # the instruction intercepted is the target of EXECUTE

# Interception codes (SD byte X'50')
INSTRUCTION = 4
PROGRAM_INTERRUPTION = 8
EXTERNAL_REQUEST = 16
IO_REQUEST = 24
WAIT_STATE = 28
VALIDITY = 32
MACHINE_CHECK_REQUEST = 36
OPERATION_EXCEPTION = 44
INTERRUPTION_LOOP = 56

# Validity reasons (SD halfword X'56' after a validity interception)
VALIDITY_MODE = 1              # not a System/370 guest
VALIDITY_STORAGE_SHAPE = 2     # origin or extent not a multiple of 4K, extent 0 or over 16M
VALIDITY_STORAGE_PLACE = 3     # resident storage outside host storage, or over host
                               # real 0-4095, the host's prefix area or the SD
VALIDITY_KEY_AREA = 4          # the key area outside host storage or over guest
                               # storage, host real 0-4095, the prefix area or the SD
VALIDITY_PREFIX = 5            # the guest's prefix area beyond its extent
VALIDITY_HOST_DAT = 6          # pageable: the host's CR0 names no translation format
VALIDITY_HOST_SPACE = 7        # pageable: origin plus extent beyond 16M

# A chain of this many guest interruptions with no instruction between them ends
# interpretation (the host decides how such a loop ends: time does not pass in it).
CHAIN_LIMIT = 256
NO_TIME_LIMIT = 1 << 62

# Instructions always intercepted, and those the interception controls select:
# (SD byte, bit) -> mnemonics.
ALWAYS_INTERCEPTED = frozenset({"SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC",
                                "DIAG", "SIGP", "SIE", "STIDP"})
SELECTED = {
    (SD_CONTROLS + 0, 0x01): frozenset({"IPTE"}),
    (SD_CONTROLS + 1, 0x40): frozenset({"LPSW"}),
    (SD_CONTROLS + 1, 0x20): frozenset({"PTLB"}),
    (SD_CONTROLS + 1, 0x10): frozenset({"SSM"}),
    (SD_CONTROLS + 1, 0x04): frozenset({"STCTL"}),
    (SD_CONTROLS + 1, 0x02): frozenset({"STOSM"}),
    (SD_CONTROLS + 1, 0x01): frozenset({"STNSM"}),
    (SD_CONTROLS + 2, 0x80): frozenset({"STCK"}),
    (SD_CONTROLS + 2, 0x40): frozenset({"ISK"}),
    (SD_CONTROLS + 2, 0x20): frozenset({"SSK"}),
    (SD_CONTROLS + 2, 0x10): frozenset({"RRB"}),
    (SD_CONTROLS + 2, 0x02): frozenset({"TPROT"}),
    (SD_CONTROLS + 3, 0x40): frozenset({"SPT", "STPT"}),
    (SD_CONTROLS + 3, 0x20): frozenset({"SCKC", "STCKC"}),
}
# IC0: program interruptions intercepted instead of presented to the guest.
IC0_OPERATION = 0x80
IC0_PRIVILEGED_OPERATION = 0x40
IC0_PROGRAM = 0x20
# SVC controls: byte 0 bits select; bytes 1-3 are SVC numbers.
SVC_ALL, SVC_FIRST, SVC_SECOND, SVC_THIRD = 0x80, 0x40, 0x20, 0x10


class Interception(Exception):
    """Interpretation ends for the host (not an interruption of the guest):
    ``code`` (SD byte X'50'); for an instruction, the ``length`` of the
    instruction intercepted (the guest PSW points past it) and whether it is the
    target of EXECUTE; for a program interruption, its ``parameters``."""

    def __init__(self, code: int, length: int = 0, execute: bool = False,
                 parameters: bytes = b"", reason: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.length = length
        self.execute = execute
        self.parameters = parameters
        self.reason = reason


class HostFault(Interruption):
    """A host program exception met by the guest (a translation exception of a
    pageable guest's storage): the guest's instruction is nullified, as if it had
    not begun, interpretation ends, and the host takes the program interruption
    for ``exc`` with its PSW at the SIE (``Guest.end_instruction``)."""

    def __init__(self, exc: ProgramInterruption) -> None:
        super().__init__(str(exc))
        self.exc = exc


class HostExit(Exception):
    """Interpretation ends for the host program exception ``exc``."""

    def __init__(self, exc: ProgramInterruption) -> None:
        super().__init__(str(exc))
        self.exc = exc


# ---------------------------------------------------------------------------
# Pageable guest storage
# ---------------------------------------------------------------------------
class HostVirtualStorage:
    """A pageable guest's storage: guest absolute ``a`` is host virtual
    ``origin + a``, translated by the host's DAT tables (host CR0 and CR1, the
    host's TLB).  Indexing and slicing behave as a bytearray of ``extent`` bytes;
    a translation exception of the host is a ``HostFault``."""

    def __init__(self, host: Executor, origin: int, extent: int) -> None:
        self.host = host
        self.origin = origin
        self.extent = extent

    def __len__(self) -> int:
        return self.extent

    def frame(self, a: int) -> int:
        """The host absolute address of guest absolute ``a``."""
        host = self.host
        try:
            real, _ = dat.translate(host, (self.origin + a) & MASK24)
        except ProgramInterruption as exc:
            raise HostFault(exc) from None
        absolute = host.real_to_absolute(real)
        if absolute >= host.size:
            raise HostFault(AddressingException(f"host frame {absolute:06X} beyond storage"))
        return absolute

    def _pieces(self, start: int, stop: int) -> list[tuple[int, int]]:
        pieces = []
        a = start
        while a < stop:
            n = min(stop - a, 0x800 - (a & 0x7FF))
            pieces.append((self.frame(a), n))
            a += n
        return pieces

    def __getitem__(self, index: Any) -> Any:
        mem = self.host.mem
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.extent)
            return b"".join(bytes(mem[f:f + n]) for f, n in self._pieces(start, stop))
        return mem[self.frame(index)]

    def __setitem__(self, index: Any, value: Any) -> None:
        mem = self.host.mem
        if isinstance(index, slice):
            start, stop, _ = index.indices(self.extent)
            data = bytes(value)
            offset = 0
            for f, n in self._pieces(start, stop):
                mem[f:f + n] = data[offset:offset + n]
                offset += n
            return
        mem[self.frame(index)] = value


class HostVirtualKeys:
    """A pageable guest's storage keys without a key area: the host's storage
    keys of the host frames its 2K blocks are in (through the host's DAT)."""

    def __init__(self, storage: HostVirtualStorage) -> None:
        self.storage = storage
        self.keys = storage.host.keys

    def __len__(self) -> int:
        return self.storage.extent >> 11

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return bytes(self[i] for i in range(*index.indices(len(self))))
        return self.keys[self.storage.frame(index << 11) >> 11]

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            for i, v in zip(range(*index.indices(len(self))), bytes(value)):
                self[i] = v
            return
        self.keys[self.storage.frame(index << 11) >> 11] = value


# ---------------------------------------------------------------------------
# The guest
# ---------------------------------------------------------------------------
class Guest(Executor):
    """The guest of one state description: a CPU executing with the host's
    instruction functions, its storage a view of the host's."""

    def __init__(self, host: Executor) -> None:
        self.host = host
        self.floating_point = host.floating_point
        self._attached = False
        self._geometry: tuple[Any, ...] | None = None
        self._control_bytes: bytes | None = None
        self.origin = 0
        self.resident = True
        self.requests = 0
        self._request_check = False
        self.program_controls = 0
        self.interval_timer_off = False
        self.chain_limit = CHAIN_LIMIT
        self._handlers = host._handlers
        super().__init__(bytearray(), bytearray())

    # --- storage: a view of the host's --------------------------------------
    def host_absolute(self, a: int) -> int:
        """The host absolute address of guest absolute ``a``."""
        if self.resident:
            return self.origin + a
        assert isinstance(self.mem, HostVirtualStorage)
        return self.mem.frame(a)

    def end_instruction(self, ia: int, length: int, exc: Interruption | None = None,
                        per_events: int | None = None) -> None:
        if isinstance(exc, HostFault):
            # Nullified: the guest is as before the instruction, which is not
            # counted (``length`` 0: it was not fetched, and not counted yet).
            self.per_monitoring = False
            self.per_event = 0
            self.ia = ia
            if length:
                self.steps -= 1
            raise HostExit(exc.exc)
        super().end_instruction(ia, length, exc, per_events)

    def _code_decoded(self, cache: dict[int, Any], ia: int,
                      pieces: list[tuple[int, int]]) -> None:
        self.host._code_decoded(cache, ia, [
            (h, h + end - start) for start, end in pieces
            for h in (self.host_absolute(start),)])

    def _stored(self, a: int, n: int) -> None:
        end = a + n
        while a < end:
            piece = min(end - a, 0x800 - (a & 0x7FF))
            self.host._stored(self.host_absolute(a), piece)
            a += piece

    def key_changed(self, block: int) -> None:
        self.host.key_changed(self.host_absolute(block << 11) >> 11)

    def flush_instruction_cache(self) -> None:
        """The host's decoded instructions and every guest's are forgotten (they
        share one index, by host absolute address)."""
        if self._attached:
            self.host.flush_instruction_cache()
        else:
            super().flush_instruction_cache()

    def forget_decoded(self) -> None:
        """The host forgot its decoded instructions: this guest forgets its own."""
        for cache in self._icaches.values():
            cache.clear()
        self.psw_changed()

    # --- interceptions -------------------------------------------------------
    def _select_handlers(self, controls: bytes) -> None:
        """The instruction functions under the SD's interception controls
        (``controls``: the SD's bytes X'40'-X'4F')."""
        if controls == self._control_bytes:
            return
        self._control_bytes = controls
        intercepted = set(ALWAYS_INTERCEPTED)
        for (at, bit), names in SELECTED.items():
            if controls[at - SD_SVC_CONTROLS] & bit:
                intercepted |= names
        handlers: dict[str, Callable[..., Any]] = dict(self.host._handlers)
        for row in opcodes.TABLE:
            if row.mnemonic in intercepted and row.handler in handlers:
                handlers[row.handler] = _intercepted(row)
        lctl = int.from_bytes(controls[SD_LCTL_CONTROLS - SD_SVC_CONTROLS:][:2], "big")
        if lctl:
            handlers["load_control"] = _lctl_intercepted(handlers["load_control"], lctl)
        svc = controls[:4]
        if svc[0] & 0xF0:
            handlers["supervisor_call"] = _svc_intercepted(handlers["supervisor_call"], svc)
        handlers["execute"] = _execute_intercepted(handlers["execute"])
        self.program_controls = controls[SD_CONTROLS - SD_SVC_CONTROLS]
        self._handlers = handlers
        self.forget_decoded()

    def program_interruption(self, exc: ProgramInterruption, ilc: int,
                             instruction_address: int) -> None:
        """A program interruption the controls select is intercepted: the guest's
        PSW is left as the interruption would store it, and the parameters (ILC,
        code, translation-exception address) go to the SD; otherwise it is
        presented to the guest."""
        controls = self.program_controls
        code = exc.code
        if not (controls & IC0_PROGRAM or (code == 0x0001 and controls & IC0_OPERATION)
                or (code == 0x0002 and controls & IC0_PRIVILEGED_OPERATION)):
            super().program_interruption(exc, ilc, instruction_address)
            return
        if exc.nullify:
            self.ia = instruction_address
        self.per_event = 0
        tea = exc.address if isinstance(exc, (SegmentTranslation, PageTranslation)) else 0
        kind = OPERATION_EXCEPTION if code == 0x0001 and not controls & IC0_PROGRAM \
            else PROGRAM_INTERRUPTION
        raise Interception(kind, parameters=bytes([0, ilc << 1]) + code.to_bytes(2, "big")
                           + tea.to_bytes(4, "big"))

    def psw_changed(self, service: bool = True) -> None:
        super().psw_changed(service)
        if service:
            self._request_check = True

    def settle(self, max_steps: int) -> tuple[str, int | str | None]:
        """The service between the guest's instructions, as natively, except
        that what needs the host intercepts: a request for an interruption class
        the guest has just been enabled for, the wait state, and a long chain of
        interruptions."""
        if self.requests and self._request_check:
            self._request_check = False
            request = self._enabled_request()
            if request:
                raise Interception(request)
        outcome, value = super().settle(self.chain_limit)
        if outcome == "stop" and value == STOP_STEP_LIMIT:
            raise Interception(INTERRUPTION_LOOP)
        if outcome != "run":
            raise Interception(WAIT_STATE)
        return outcome, value

    def _enabled_request(self) -> int:
        """The interception code of a request the guest is enabled for (0: none):
        machine check, external, I/O, in the order of their priority."""
        requests = self.requests
        if requests & REQUEST_MACHINE_CHECK and self.machine_check_mask:
            return MACHINE_CHECK_REQUEST
        if requests & REQUEST_EXTERNAL and self.system_mask & 0x01:
            return EXTERNAL_REQUEST
        if requests & REQUEST_IO and self.system_mask & (0x02 if self.ec else 0xFE):
            return IO_REQUEST
        return 0

    def _update_interval_timer(self) -> None:
        if self.interval_timer_off:
            self.interval_ticks = self.now() * 300 // 1_000_000
            return
        super()._update_interval_timer()

    # --- the state description -------------------------------------------------
    def enter(self, sd: int) -> None:
        """Load the guest from the SD at host real ``sd``; ``Interception``
        (validity) when it describes no guest this machine can run."""
        host = self.host
        sd_absolute = host.real_to_absolute(sd)
        d = StateDescription.read(host.mem, sd_absolute)
        self.description = d
        reason = validity_reason(host, sd_absolute, d)
        if reason:
            raise Interception(VALIDITY, reason=reason)
        mode, origin, extent, key_area = d.mode, d.origin, d.extent, d.key_area
        resident = bool(mode & MODE_RESIDENT)
        prefix = d.prefix & 0x00FFF000
        geometry = (resident, origin, extent, key_area)
        if geometry != self._geometry:
            self._attach(*geometry)
        self._select_handlers(d.controls)
        self.interval_timer_off = bool(mode & MODE_INTERVAL_TIMER_OFF)
        self.requests = d.requests
        # Time: the guest's clock stands at its elapsed time.
        self.steps = d.instructions
        self.idle_us = d.elapsed - d.instructions
        self.interval_ticks = d.interval_steps
        self.interruption_chain = d.chain
        self._steps_at_last_interruption = self.steps if d.chain else -1
        self.chain_limit = d.chain_limit or CHAIN_LIMIT
        self.cpu_timer_value = d.cpu_timer
        self.cpu_timer_set_at = self.now()
        self.clock_comparator = d.clock_comparator
        guest_tod = (host.tod() + d.epoch) & MASK64
        self.tod_offset = (guest_tod - self.now() * TOD_UNITS_PER_US) & MASK64
        self.pending_interval_timer = bool(d.state & STATE_INTERVAL_TIMER_PENDING)
        # Registers and control state.
        gpr = self.gpr
        gpr[:14] = host.gpr[:14]
        gpr[14], gpr[15] = d.gr14, d.gr15
        self.fpr[:] = host.fpr
        if list(d.cr) != self.cr:
            self.load_control_registers(list(d.cr))
        if prefix != self.prefix:
            self.prefix = prefix
            self.purge_tlb()
        self.load_psw_value(d.psw)
        if d.state & STATE_INVALID_PSW_BY_SSM:
            self.psw_invalid_ilc = 2
        # Requests are looked at when the guest's enablement changes from here on.
        self._request_check = False
        self.attention = True

    def _attach(self, resident: bool, origin: int, extent: int, key_area: int) -> None:
        host = self.host
        self.resident = resident
        self.origin = origin
        if resident:
            self.mem = memoryview(host.mem)[origin:origin + extent]
        else:
            self.mem = HostVirtualStorage(host, origin, extent)
        if key_area:
            self.keys = memoryview(host.mem)[key_area:key_area + (extent >> 11)]
        elif resident:
            self.keys = memoryview(host.keys)[origin >> 11:(origin + extent) >> 11]
        else:
            self.keys = HostVirtualKeys(self.mem)
        self.size = extent
        self._code_blocks = bytearray(extent >> 11)
        self._geometry = (resident, origin, extent, key_area)
        self._attached = True
        self.purge_tlb()

    def leave(self, sd: int, interception: Interception | None) -> None:
        """Store the guest's state into the SD, with the interception (none: the
        host's interruption or bound ended interpretation, code 0)."""
        host = self.host
        d = self.description
        state = d.state & ~(STATE_INTERVAL_TIMER_PENDING | STATE_INVALID_PSW_BY_SSM)
        if self.pending_interval_timer:
            state |= STATE_INTERVAL_TIMER_PENDING
        if self.psw_invalid_bits and self.psw_invalid_ilc == 2:
            state |= STATE_INVALID_PSW_BY_SSM
        chain = self.interruption_chain if self.steps == self._steps_at_last_interruption else 0
        code, flags, ipa, ipb, parameters = self._interception_fields(interception)
        d = d._replace(
            state=state, prefix=self.prefix, gr14=self.gpr[14], gr15=self.gpr[15],
            psw=self.psw_value(), cpu_timer=self.cpu_timer(),
            clock_comparator=self.clock_comparator,
            epoch=(self.tod() - host.tod()) & MASK64, code=code, flags=flags, ipa=ipa,
            ipb=ipb, cr=tuple(value & MASK32 for value in self.cr),
            parameters=parameters or d.parameters, elapsed=self.now(),
            instructions=self.steps, interval_steps=self.interval_ticks, chain=chain)
        at = host.real_to_absolute(sd)
        d.write(host.mem, at)
        host._stored(at, SD_SIZE)
        host.gpr[:14] = self.gpr[:14]
        host.fpr[:] = self.fpr

    def _interception_fields(self, interception: Interception | None
                             ) -> tuple[int, int, int, int, bytes]:
        """The SD's code, status, IPA, IPB and interruption parameters for
        ``interception`` (parameters empty: those of the SD are kept)."""
        if interception is None:
            return 0, 0, 0, 0, b""
        if interception.code == INSTRUCTION:
            at = (self.ia - interception.length) & MASK24
            code = self._instruction_bytes(at, interception.length).ljust(6, b"\0")
            return (INSTRUCTION, FLAG_EXECUTE if interception.execute else 0,
                    int.from_bytes(code[:2], "big"), int.from_bytes(code[2:6], "big"), b"")
        parameters = interception.parameters.ljust(8, b"\0") if interception.parameters \
            else b""
        return interception.code, 0, 0, 0, parameters

    def _instruction_bytes(self, at: int, length: int) -> bytes:
        """The bytes of the instruction intercepted (already fetched once: the
        access cannot fail)."""
        return self.fetch(at, length)


class PageableGuest(Guest):
    """A guest whose storage is host virtual storage: every access is checked by
    the host's DAT before the guest's instruction changes anything, so that a
    host translation exception nullifies it."""

    def _absolute(self, addr: int, store: bool, key: int, secondary: bool = False,
                  check: bool = False) -> int:
        a = super()._absolute(addr, store, key, secondary, check)
        self.host_absolute(a)
        return a

    def _real_abs(self, real: int, length: int) -> int:
        a = super()._real_abs(real, length)
        self.host_absolute(a)
        self.host_absolute(a + length - 1)
        return a

    def settle(self, max_steps: int) -> tuple[str, int | str | None]:
        # An interruption stores into the prefix area and fetches from it: its
        # host pages are there before it begins.
        for a in range(self.prefix, self.prefix + 0x1000, 0x800):
            self.host_absolute(a)
        return super().settle(max_steps)


def _intercepted(row: opcodes.Instruction) -> Callable[..., None]:
    """The function of ``row`` in a guest whose host handles it: the guest's
    privileged-operation exception in the problem state, else an instruction
    interception (before any operand is accessed)."""
    length = row.length

    def intercepted(m: Any, *fields: int) -> None:
        if row.privileged and m.problem:
            raise PrivilegedOperation()
        raise Interception(INSTRUCTION, length)
    intercepted.__name__ = f"intercepted_{row.handler}"
    return intercepted


def _lctl_intercepted(load_control: Callable[..., None], mask: int) -> Callable[..., None]:
    """LOAD CONTROL intercepted when its range of registers includes one that
    the SD's LCTL controls name (bit n of the halfword for CR n)."""
    def lctl(m: Any, r1: int, r3: int, b2: int, d2: int) -> None:
        if m.problem:
            raise PrivilegedOperation()
        r = r1
        while True:
            if mask & (0x8000 >> r):
                raise Interception(INSTRUCTION, 4)
            if r == r3:
                break
            r = (r + 1) & 15
        load_control(m, r1, r3, b2, d2)
    return lctl


def _svc_intercepted(svc: Callable[..., None], controls: bytes) -> Callable[..., None]:
    """SUPERVISOR CALL intercepted for every number (SVC_ALL) or for the numbers
    in SD bytes X'41'-X'43' whose bits in byte X'40' are on."""
    numbers = {controls[i] for i, bit in ((1, SVC_FIRST), (2, SVC_SECOND), (3, SVC_THIRD))
               if controls[0] & bit}

    def supervisor_call(m: Any, r1: int, r2: int) -> None:
        if controls[0] & SVC_ALL or (r1 << 4 | r2) in numbers:
            raise Interception(INSTRUCTION, 2)
        svc(m, r1, r2)
    return supervisor_call


def _execute_intercepted(execute: Callable[..., None]) -> Callable[..., None]:
    """EXECUTE whose target is intercepted: the interception names EXECUTE."""
    def ex(m: Any, r1: int, x2: int, b2: int, d2: int) -> None:
        try:
            execute(m, r1, x2, b2, d2)
        except Interception as i:
            if i.code == INSTRUCTION:
                raise Interception(INSTRUCTION, 4, execute=True) from None
            raise
    return ex


def validity_reason(host: Any, sd_absolute: int, d: StateDescription) -> int:
    """The validity reason (docs/interpretive-execution.md, "Validity reasons")
    why the SD ``d`` at host absolute ``sd_absolute`` describes no guest that
    ``host`` (its storage size, prefix and CR0) can run; 0 when it describes one."""
    mode, origin, extent, key_area = d.mode, d.origin, d.extent, d.key_area
    if not mode & MODE_370:
        return VALIDITY_MODE
    resident = bool(mode & MODE_RESIDENT)
    if origin & 0xFFF or extent & 0xFFF or not 0 < extent <= 1 << 24:
        return VALIDITY_STORAGE_SHAPE
    reserved = [(0, 0x1000), (host.prefix, host.prefix + 0x1000),
                (sd_absolute, sd_absolute + SD_SIZE)]
    if resident:
        if origin + extent > host.size or _overlaps((origin, origin + extent), reserved):
            return VALIDITY_STORAGE_PLACE
    else:
        if origin + extent > 1 << 24:
            return VALIDITY_HOST_SPACE
        if not dat.Format(host.cr[0]).valid:
            return VALIDITY_HOST_DAT
    if key_area:
        area = (key_area, key_area + (extent >> 11))
        guest_area = [(origin, origin + extent)] if resident else []
        if area[1] > host.size or _overlaps(area, reserved + guest_area):
            return VALIDITY_KEY_AREA
    if (d.prefix & 0x00FFF000) + 0x1000 > extent:
        return VALIDITY_PREFIX
    return 0


def _overlaps(area: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(area[0] < end and start < area[1] for start, end in others)


# ---------------------------------------------------------------------------
# START INTERPRETIVE EXECUTION, as the host's machine performs it
# ---------------------------------------------------------------------------
def start_interpretive_execution(host: Any, sd: int) -> None:
    """Run the guest of the SD at host real ``sd`` until an interception or
    until the host needs its CPU (see the module text).  ``host`` is the
    machine executing SIE (``reference.machine.machine.Machine``)."""
    sie_address = (host.ia - 4) & MASK24
    if sd & (SD_BOUNDARY - 1):
        raise SpecificationException("state description not on a 256-byte boundary")
    if host.real_to_absolute(sd) + SD_SIZE > host.size:
        raise AddressingException(f"state description {sd:06X} beyond storage")
    mode = host.read_real(sd + SD_MODE, 1)[0]
    guest = host.guest_for(sd, Guest if mode & MODE_RESIDENT else PageableGuest)
    try:
        guest.enter(sd)
    except Interception as validity:
        _store_validity(host, sd, validity)
        return
    interception: Interception | None = None
    max_steps, max_time = host.run_bounds
    try:
        while True:
            # The host can be interrupted at every guest instruction boundary, the
            # first one included; its run's bounds end interpretation too.
            if host.interruption_pending() or host.steps >= max_steps \
                    or host.now() >= max_time:
                break
            bound = min(max_steps, host._next_timer_event() - host.idle_us,
                        max_time - host.idle_us) - host.steps
            if bound > 0:
                before = guest.steps
                try:
                    guest.run(guest.steps + bound, NO_TIME_LIMIT)
                except Interception as i:
                    interception = i
                finally:
                    host.steps += guest.steps - before
                if interception is not None:
                    break
            # A host timer event: what the service between the host's instructions
            # does for it, and interpretation goes on unless the host is now
            # interruptible.
            host._update_interval_timer()
            if host.channels is not None:
                host.channels.advance(host.now())
    except (HostExit, HostFault) as fault:
        # The guest as before the instruction (or the interruption) that met the
        # host's exception; the host takes the program interruption, which
        # nullifies the SIE.
        guest.leave(sd, None)
        raise fault.exc from None
    guest.leave(sd, interception)
    if interception is None:
        host.ia = sie_address


def _store_validity(host: Any, sd: int, validity: Interception) -> None:
    """A validity interception: only the code and the reason are stored."""
    host.write_real(sd + SD_CODE, bytes([VALIDITY, 0]))
    host.write_real(sd + SD_IPA, validity.reason.to_bytes(2, "big"))


__all__ = ["Guest", "Interception", "HostFault", "HostVirtualStorage",
           "start_interpretive_execution", "validity_reason"]
