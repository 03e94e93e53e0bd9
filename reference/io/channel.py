"""System/370 channels: subchannels, channel programs, I/O interruptions.

Theory of operation
-------------------
GA22-7000 chapter 12 ("Input/Output Operations") defines what a channel does
with the channel program that START I/O hands it; chapter 13 ("Input/Output
Instructions") defines the instructions' condition codes and what they store in
the channel status word (CSW, real location 64).  ``ChannelSubsystem`` is that
definition for one CPU, with its devices (``reference.io.devices``) attached.

*Addressing.*  An I/O address is 16 bits: the channel (bits 16-23 of the
instruction's second-operand address) and the device (bits 24-31).  Every device
has a subchannel of its own (nonshared subchannels, as on a block-multiplexer
channel), so the states "subchannel working with another device" and "interruption
pending in subchannel for another device" never arise.  A channel is installed
when at least one device is configured on it; an address on a channel that is not
installed, or of a device that is not configured, is not operational (CC 3).
Channel 0 is a byte-multiplexer channel and every other channel a
block-multiplexer channel (STORE CHANNEL ID; as Hercules).  No channel ever
operates in burst mode, so a channel is never "working" (TEST CHANNEL never sets
CC 2).

*Channel programs.*  Format-0 CCWs (GA22-7000 ch.12 "Channel Command Word"):
command code (bits 0-7), data address (8-31), flags CD, CC, SLI, SKIP, PCI, IDA
(32-37), bits 38-39 zero, count (48-63).  CCWs, IDAWs and data are addressed with
absolute addresses, checked against the storage size, and accessed with the key
of the CAW under key-controlled protection (a store is protected when the key is
nonzero and differs from the storage key; a fetch when, in addition, the block is
fetch-protected); the channel sets the reference bit of what it fetches and the
reference and change bits of what it stores.  The program checks: invalid CAW
format (bits 4-7), invalid CCW address specification (not on a doubleword),
invalid CCW address (beyond storage), invalid command code (four low-order zeros;
not tested in data chaining), invalid count (zero, except in TIC), invalid CCW
format (bits 38-39), invalid sequence (TIC to TIC, or the first CCW a TIC), invalid
data address (beyond storage), invalid IDAW (bits 0-7, alignment).

*Time.*  A command is carried out (its data transferred and the device's action
taken) at the moment the channel initiates it; it then lasts ``CCW_TIME_US``
microseconds plus ``BYTE_TIME_US`` per byte transferred, in the machine's time
base (one microsecond per instruction).  At the end of that time the device
presents channel end and device end together, and the channel either chains to
the next command or makes the interruption condition pending.  The CPU services
the channel subsystem between instructions (``CPU.settle``): ``next_event`` is one
of the timer events that end the fast execution loop and an enabled wait.
Everything is a function of machine time, so a run is deterministic.

*Interruptions.*  An interruption condition stays pending at its subchannel (or,
for attention, at its device) until an I/O interruption, TEST I/O or CLEAR I/O
clears it.  The CPU takes the oldest enabled condition first (ties by I/O
address); the architecture leaves the order among channels to the model.

Model-dependent choices and simplifications (each also in docs/configuration.md):

- START I/O FAST RELEASE is executed as START I/O (allowed by GA22-7000).
- Programming errors in the CAW and in the first CCW (before any data transfer)
  are reported by START I/O with CC 1 and the CSW stored.  An invalid data address
  or a protection check of the first CCW is found during the data transfer and
  reported at channel end by an interruption.  For CAW errors this model stores
  the CAW's command address + 8 in the CSW (the field is not asserted by tests).
- Data chaining: when the count of a CCW with the CD flag reaches zero, the next
  CCW is fetched even if the device has no more data; the device then ends with
  that CCW's count untransferred (incorrect length, unless suppressed).
- A protection or program check during an output transfer terminates the command
  before the device acts on the data (nothing partial is printed or written).
- HALT I/O and HALT DEVICE on a working subchannel store a status portion of zero
  (CC 1) and end the current command at once (its data was already transferred),
  with channel end and device end and no further chaining.  On an idle device they
  store status zero (CC 1) and leave any attention pending at the device.
- CLEAR I/O on a working subchannel stores the CSW of the current command (unit
  status zero, the PCI bit if a PCI condition was pending) and makes the
  subchannel and device available at once, with no interruption condition.
- A PCI condition still pending when the channel program ends is merged into the
  final CSW (GA22-7000 allows either).
- A device may take as many output bytes as its first bytes say (``Output.size``:
  a CKD WRITE COUNT KEY AND DATA's count field gives its key and data lengths):
  the channel reads those first bytes of the data chain ahead of the transfer.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

from reference.arch.lowcore import MASK24
from reference.machine.cpu import CPU

# ---------------------------------------------------------------------------
# Status bits of the CSW (GA22-7000 ch.12 "Channel Status Word"): unit status,
# byte 4 (bits 32-39), and channel status, byte 5 (bits 40-47).
# ---------------------------------------------------------------------------
ATTENTION = 0x80
STATUS_MODIFIER = 0x40
CONTROL_UNIT_END = 0x20
BUSY = 0x10
CHANNEL_END = 0x08
DEVICE_END = 0x04
UNIT_CHECK = 0x02
UNIT_EXCEPTION = 0x01
CE_DE = CHANNEL_END | DEVICE_END

PCI = 0x80
INCORRECT_LENGTH = 0x40
PROGRAM_CHECK = 0x20
PROTECTION_CHECK = 0x10
CHANNEL_DATA_CHECK = 0x08
CHANNEL_CONTROL_CHECK = 0x04
INTERFACE_CONTROL_CHECK = 0x02
CHAINING_CHECK = 0x01

# CCW flags (byte 4 of the CCW, bits 32-39)
CD = 0x80
CC = 0x40
SLI = 0x20
SKIP = 0x10
PCI_FLAG = 0x08
IDA = 0x04
FLAGS_RESERVED = 0x03      # bits 38-39 must be zero

# Assigned locations (GA22-7000 ch.3)
CSW_LOCATION = 0x40
CAW_LOCATION = 0x48
CHANNEL_ID_LOCATION = 0xA8   # STORE CHANNEL ID
IO_ADDRESS_LOCATION = 0xBA   # EC-mode I/O interruption: the I/O address at 186-187

# Channel types for STORE CHANNEL ID (bits 0-3 of the channel ID word)
SELECTOR, BYTE_MULTIPLEXER, BLOCK_MULTIPLEXER = 0x0, 0x1, 0x2

MAX_CHANNEL = 31             # channel masks exist for channels 0-31 (CR2)

# Time base of channel operations (machine microseconds)
CCW_TIME_US = 10             # each command (or immediate operation)
BYTE_TIME_US = 1             # each byte transferred

IDAW_BLOCK = 0x800           # format-1 IDAWs address 2K blocks


# ---------------------------------------------------------------------------
# What a device answers when the channel issues a command to it
# ---------------------------------------------------------------------------
@dataclass
class Reject:
    """The command is not accepted: the initial status (normally unit check,
    with the sense bytes set, or busy).  Channel end and device end are off."""

    status: int = UNIT_CHECK


@dataclass
class Immediate:
    """An immediate operation: channel end (normally with device end) at once,
    no data transferred, no incorrect length."""

    status: int = CE_DE


@dataclass
class Input:
    """An input operation (read, read backward, sense): the device sends ``data``
    (in the order it sends it) and ends with ``status``."""

    data: bytes
    status: int = CE_DE
    # A translated transfer (the VMCP's minidisks, reference.vm.vmio): ``data`` only
    # gives the length; the channel checks the areas as for any input and then
    # calls ``deliver`` with the (absolute address, offset in ``data``, length)
    # of every piece of storage the bytes go to; the device moves them itself
    # and returns the ending status.
    deliver: Callable[[list[tuple[int, int, int]]], int] | None = None


@dataclass
class Output:
    """An output operation (write, control with data): the device takes up to
    ``want`` bytes; with ``exact`` it requires all of them (fewer is an
    incorrect length).  ``finish`` receives the bytes and returns the ending
    status."""

    want: int
    finish: Callable[[bytes], int]
    exact: bool = True
    # A translated transfer: instead of ``finish`` the channel calls ``direct``
    # with the (absolute address, offset, length) pieces the device takes its
    # bytes from, in order, after checking them as for any output.
    direct: Callable[[list[tuple[int, int, int]]], int] | None = None
    # A device whose length depends on the first bytes it receives (a CKD
    # WRITE COUNT KEY AND DATA: the count field gives the key and data
    # lengths): ``size`` receives the first ``want`` bytes of the data chain
    # (fewer when the chain holds fewer) and returns the number of bytes the
    # device takes, which replaces ``want``.
    size: Callable[[bytes], int] | None = None


Start = Union[Reject, Immediate, Input, Output]


def ended_without_data(command: int, status: int) -> Start:
    """A command that transfers data (a read, a write, a search sending its
    argument, a seek sending its address), which the device has accepted and
    then ends with ``status`` before any data passes: a CKD search that meets no
    record, a seek the file mask inhibits, a read backward at the load point of
    a tape.

    "Incorrect length is indicated ... Short Block on Output: The device
    terminated a write or control operation before all information contained in
    the assigned storage areas was transferred to the device. ... The indication
    does not occur for immediate operations and for operations rejected during
    the initiation sequence" (GA22-7000 ch.12 "Incorrect Length"; Short Block on
    Input likewise).  The command is therefore an input or output of nothing:
    incorrect length unless the SLI flag suppresses it, and no command chaining
    then.  (A command without data that ends so is an immediate operation: the
    device answers ``Immediate``.)"""
    if command_kind(command) in ("read", "read-backward", "sense"):
        return Input(b"", status)
    return Output(0, lambda data: status, exact=False)


class Device(Protocol):
    """The channel's view of an I/O device (``reference.io.devices``)."""

    type_name: str
    sense: bytearray

    def start(self, command: int, previous: int | None) -> Start:
        """Issue ``command``; ``previous`` is the command before it in the same
        chain (command chaining), None for the first."""
        ...

    def attention_times(self) -> list[int]:
        """Machine times (µs) at which the device signals attention."""
        ...

    def reset(self) -> None:
        ...

    def close(self) -> None:
        ...


# ---------------------------------------------------------------------------
# Subchannels and pending conditions
# ---------------------------------------------------------------------------
@dataclass
class Pending:
    """An interruption condition: the CSW it stores, when it arose, its order."""

    csw: bytes
    time: int
    seq: int


@dataclass
class _Ending:
    """How the command in progress ends at its end time."""

    last_ccw: int          # address of the last CCW used
    residual: int
    unit: int
    channel: int
    chain_to: int | None   # the next CCW (command chaining), or None
    previous: int          # its command code (for the device's chain rules)


@dataclass
class Subchannel:
    """The subchannel of one device and the state of its channel program."""

    address: int
    device: Any
    working: bool = False
    key: int = 0
    token: int = 0
    end_time: int = 0
    ending: _Ending | None = None
    pending: Pending | None = None          # at the subchannel (full CSW)
    pci: Pending | None = None              # a PCI condition
    device_pending: Pending | None = None   # at the device (attention)
    attentions: list[int] = field(default_factory=list)

    @property
    def channel(self) -> int:
        return self.address >> 8


class _ChannelError(Exception):
    """A program or protection check: the channel status and the CCW address
    (+ 8) that the CSW reports."""

    def __init__(self, status: int, csw_address: int) -> None:
        super().__init__(f"channel status {status:02X} at {csw_address:06X}")
        self.status = status
        self.csw_address = csw_address


@dataclass
class _CCW:
    address: int     # where the CCW is
    command: int
    data: int
    flags: int
    count: int


def csw_bytes(key: int, address: int, unit: int, channel: int, count: int) -> bytes:
    return (bytes([(key & 0xF) << 4]) + (address & MASK24).to_bytes(3, "big")
            + bytes([unit & 0xFF, channel & 0xFF]) + (count & 0xFFFF).to_bytes(2, "big"))


def command_kind(command: int) -> str:
    """The operation a command code names (GA22-7000 ch.12 "Commands")."""
    low = command & 0x0F
    if low == 0:
        return "invalid"
    if low == 0x08:
        return "tic"
    if low == 0x04:
        return "sense"
    if low == 0x0C:
        return "read-backward"
    return ("write", "read", "control")[(command & 3) - 1]


class ChannelSubsystem:
    """The channels, subchannels and devices of one CPU."""

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu
        self.subchannels: dict[int, Subchannel] = {}
        self._events: list[tuple[int, int, str, int, int]] = []  # time, seq, kind, addr, tok
        self._seq = 0
        self.events_done = 0    # channel events carried out (a VMCP charges them)

    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------
    def attach(self, address: int, device: Any) -> None:
        """Configure ``device`` at I/O ``address`` (channel << 8 | device)."""
        if not 0 <= address <= 0xFFFF or address >> 8 > MAX_CHANNEL:
            raise ValueError(f"I/O address {address:03X}: channel beyond {MAX_CHANNEL}")
        if address in self.subchannels:
            raise ValueError(f"I/O address {address:03X} configured twice")
        sc = Subchannel(address, device)
        self.subchannels[address] = sc
        for t in sorted(device.attention_times()):
            self._schedule(t, "attention", address, 0)

    def installed(self, channel: int) -> bool:
        return any(a >> 8 == channel for a in self.subchannels)

    def close(self) -> None:
        for sc in self.subchannels.values():
            sc.device.close()

    # ------------------------------------------------------------------
    # Time
    # ------------------------------------------------------------------
    def _schedule(self, time: int, kind: str, address: int, token: int) -> None:
        self._seq += 1
        heapq.heappush(self._events, (time, self._seq, kind, address, token))
        self.cpu.attention = True

    def next_event(self) -> int | None:
        """The machine time of the next channel event, if any."""
        return self._events[0][0] if self._events else None

    def advance(self, now: int) -> None:
        """Carry out every channel event due at or before ``now``."""
        events = self._events
        while events and events[0][0] <= now:
            time, _, kind, address, token = heapq.heappop(events)
            self.events_done += 1
            sc = self.subchannels[address]
            if kind == "end":
                if sc.working and sc.token == token:
                    self._end_command(sc, time)
            elif kind == "attention":
                self._attention(sc, time)

    def _attention(self, sc: Subchannel, time: int) -> None:
        """The device signals attention (an operator's request key): a condition
        pending at the device; while the device is busy it waits until the end."""
        if sc.working or sc.pending is not None:
            sc.attentions.append(time)
            return
        self._post_device(sc, ATTENTION, time)

    def _post_device(self, sc: Subchannel, status: int, time: int) -> None:
        old = sc.device_pending
        status |= old.csw[4] if old is not None else 0
        self._seq += 1
        # "A CSW associated with conditions occurring after the operation at the
        # subchannel has been concluded contains zeros in the key, command
        # address and count fields" (GA22-7000 ch.12).
        sc.device_pending = Pending(csw_bytes(0, 0, status, 0, 0), time, self._seq)
        self.cpu.attention = True

    def _post(self, sc: Subchannel, csw: bytes, time: int) -> None:
        """The channel program ended: the interruption condition at the
        subchannel (a PCI still pending is merged into it)."""
        if sc.pci is not None:
            csw = csw[:5] + bytes([csw[5] | PCI]) + csw[6:]
            sc.pci = None
        self._seq += 1
        sc.pending = Pending(csw, time, self._seq)
        sc.working = False
        sc.ending = None
        self.cpu.attention = True

    def _free(self, sc: Subchannel, time: int) -> None:
        """The subchannel and device became available: a deferred attention."""
        if sc.attentions and not sc.working and sc.pending is None:
            sc.attentions.clear()
            self._post_device(sc, ATTENTION, time)

    # ------------------------------------------------------------------
    # Storage access by the channel (absolute addresses, the CAW key)
    # ------------------------------------------------------------------
    def _check_block(self, a: int, key: int, store: bool) -> None:
        keys = self.cpu.keys
        skey = keys[a >> 11]
        if key and skey >> 4 != key and (store or skey & 0x08):
            raise _ChannelError(PROTECTION_CHECK, 0)
        keys[a >> 11] = skey | (0x06 if store else 0x04)

    def _fetch_ccw(self, address: int, key: int) -> _CCW:
        cpu = self.cpu
        if address & 7:
            raise _ChannelError(PROGRAM_CHECK, address + 8)
        if address + 8 > cpu.size:
            raise _ChannelError(PROGRAM_CHECK, address + 8)
        try:
            self._check_block(address, key, False)
        except _ChannelError:
            raise _ChannelError(PROTECTION_CHECK, address + 8) from None
        b = bytes(cpu.mem[address:address + 8])
        return _CCW(address, b[0], int.from_bytes(b[1:4], "big"), b[4],
                    int.from_bytes(b[6:8], "big"))

    def _idaw(self, address: int, key: int) -> int:
        cpu = self.cpu
        if address + 4 > cpu.size:
            raise _ChannelError(PROGRAM_CHECK, 0)
        self._check_block(address, key, False)
        word = int.from_bytes(cpu.mem[address:address + 4], "big")
        if word >> 24:
            raise _ChannelError(PROGRAM_CHECK, 0)
        return word

    def _pieces(self, ccw: _CCW, n: int, key: int, backward: bool) -> list[tuple[int, int]]:
        """(absolute address, length) of the first ``n`` bytes of the CCW's area,
        in transfer order; for read backward each piece is (highest address,
        length) and is filled downward.  Raises _Partial (with the pieces
        already listed) when the area leaves storage, or the IDAW address or an
        IDAW is invalid."""
        out: list[tuple[int, int]] = []
        size = self.cpu.size
        if ccw.flags & IDA:
            if ccw.data & 3:
                raise _Partial(out, PROGRAM_CHECK)
            idaw_at = ccw.data
            first = True
            while n > 0:
                try:
                    a = self._idaw(idaw_at, key)
                except _ChannelError as e:
                    raise _Partial(out, e.status) from None
                if not first:
                    # After the first, IDAWs designate the start (forward) or the
                    # last byte (backward) of a 2K block.
                    edge = (a & (IDAW_BLOCK - 1)) != ((IDAW_BLOCK - 1) if backward else 0)
                    if edge:
                        raise _Partial(out, PROGRAM_CHECK)
                room = (a & (IDAW_BLOCK - 1)) + 1 if backward else IDAW_BLOCK - (a & 0x7FF)
                k = min(n, room)
                if (a if backward else a + k - 1) >= size or (backward and a - k + 1 < 0):
                    raise _Partial(out, PROGRAM_CHECK)
                out.append((a, k))
                n -= k
                idaw_at += 4
                first = False
            return out
        a = ccw.data
        while n > 0:
            if backward:
                k = min(n, (a & 0x7FF) + 1)
                if a >= size or a - k + 1 < 0:
                    raise _Partial(out, PROGRAM_CHECK)
                out.append((a, k))
                a -= k
            else:
                k = min(n, 0x800 - (a & 0x7FF))
                if a + k > size or a > MASK24:
                    raise _Partial(out, PROGRAM_CHECK)
                out.append((a, k))
                a += k
            n -= k
        return out

    @staticmethod
    def _segments(pieces: list[tuple[int, int]], backward: bool) -> list[tuple[int, int]]:
        """The pieces cut at 2K boundaries (storage keys), in transfer order:
        (lowest address, length) of each segment."""
        out = []
        for a, k in pieces:
            if backward:
                high = a
                while k > 0:
                    n = min(k, (high & 0x7FF) + 1)
                    out.append((high - n + 1, n))
                    high -= n
                    k -= n
            else:
                while k > 0:
                    n = min(k, 0x800 - (a & 0x7FF))
                    out.append((a, n))
                    a += n
                    k -= n
        return out

    def _store_area(self, ccw: _CCW, data: bytes, key: int, backward: bool,
                    sink: _Sink | None = None) -> None:
        """Store ``data`` into the CCW's area (read backward: downward from the
        data address).  On a program or protection check what precedes the bad
        byte is stored and _Partial says how much.  With a ``sink`` (a translated
        transfer) the pieces are checked and recorded there instead of stored."""
        cpu = self.cpu
        try:
            pieces = self._pieces(ccw, len(data), key, backward)
            error = 0
        except _Partial as p:
            pieces, error = p.pieces, p.status
        done = 0
        for low, n in self._segments(pieces, backward):
            try:
                self._check_block(low, key, True)
            except _ChannelError as e:
                raise _Partial([], e.status, done) from None
            if sink is not None:
                sink.add(low, done, n)
            else:
                chunk = data[done:done + n]
                cpu.mem[low:low + n] = chunk[::-1] if backward else chunk
                cpu._stored(low, n)
            done += n
        if error:
            raise _Partial([], error, done)

    def _fetch_area(self, ccw: _CCW, n: int, key: int, sink: _Sink | None = None) -> bytes:
        """Fetch ``n`` bytes of the CCW's area; on a check, _Partial carries the
        bytes fetched before it.  With a ``sink`` (a translated transfer) the
        pieces are checked and recorded there, and zeros stand for the bytes."""
        cpu = self.cpu
        try:
            pieces = self._pieces(ccw, n, key, False)
            error = 0
        except _Partial as p:
            pieces, error = p.pieces, p.status
        out = bytearray()
        for low, k in self._segments(pieces, False):
            try:
                self._check_block(low, key, False)
            except _ChannelError as e:
                raise _Partial([], e.status, len(out), bytes(out)) from None
            if sink is not None:
                sink.add(low, len(out), k)
                out += bytes(k)
            else:
                out += cpu.mem[low:low + k]
        if error:
            raise _Partial([], error, len(out), bytes(out))
        return bytes(out)

    # ------------------------------------------------------------------
    # Executing commands
    # ------------------------------------------------------------------
    def _locate(self, address: int, key: int, first: bool) -> _CCW:
        """The CCW at ``address`` after any TIC (GA22-7000 ch.12 "Transfer in
        Channel").  Raises _ChannelError with the CSW address."""
        ccw = self._fetch_ccw(address, key)
        if command_kind(ccw.command) != "tic":
            return ccw
        if first:
            # "The first CCW designated by the CAW may not specify transfer in
            # channel": program check.
            raise _ChannelError(PROGRAM_CHECK, address + 8)
        tic = ccw
        try:
            ccw = self._fetch_ccw(tic.data, key)
        except _ChannelError as e:
            raise _ChannelError(e.status, tic.address + 8) from None
        if command_kind(ccw.command) == "tic":
            raise _ChannelError(PROGRAM_CHECK, ccw.address + 8)   # TIC to TIC
        return ccw

    def _initiate(self, sc: Subchannel, address: int, now: int, first: bool,
                  previous: int | None) -> bytes | None:
        """Initiate the command whose CCW is at ``address``: on the first command
        (START I/O) and on command chaining.  Returns the CSW when the chain is
        concluded at initiation (rejected, program check, or an immediate
        operation that does not chain); otherwise the command is under way and
        its end is scheduled (None)."""
        key = sc.key
        try:
            ccw = self._locate(address, key, first)
            if ccw.flags & FLAGS_RESERVED:
                raise _ChannelError(PROGRAM_CHECK, ccw.address + 8)
            kind = command_kind(ccw.command)
            if kind == "invalid":
                raise _ChannelError(PROGRAM_CHECK, ccw.address + 8)
            if ccw.count == 0:
                raise _ChannelError(PROGRAM_CHECK, ccw.address + 8)
        except _ChannelError as e:
            # Concluded at initiation by a program or protection check: channel
            # end and device end off (GA22-7000 ch.12 "Channel Status Word").
            return csw_bytes(key, e.csw_address, 0, e.status, 0)
        pci = PCI if ccw.flags & PCI_FLAG else 0
        if pci and not first:
            self._post_pci(sc, ccw.address + 8, now)
        answer = sc.device.start(ccw.command, previous)
        if isinstance(answer, Reject):
            return csw_bytes(key, ccw.address + 8, answer.status, pci if first else 0,
                             ccw.count)
        if isinstance(answer, Immediate):
            status = answer.status
            chain = ccw.flags & CC and not ccw.flags & CD and _normal(status)
            if not chain:
                return csw_bytes(key, ccw.address + 8, status, pci if first else 0,
                                 ccw.count)
            if pci and first:
                self._post_pci(sc, ccw.address + 8, now)
            next_at = ccw.address + (16 if status & STATUS_MODIFIER else 8)
            ending = _Ending(ccw.address, ccw.count, status, 0, next_at, ccw.command)
            self._begin(sc, ending, now + CCW_TIME_US)
            return None
        if pci and first:
            self._post_pci(sc, ccw.address + 8, now)
        if isinstance(answer, Input):
            ending, moved = self._transfer_in(sc, ccw, answer, kind, now)
        else:
            ending, moved = self._transfer_out(sc, ccw, answer, now)
        self._begin(sc, ending, now + CCW_TIME_US * moved[0] + BYTE_TIME_US * moved[1])
        return None

    def _begin(self, sc: Subchannel, ending: _Ending, end_time: int) -> None:
        sc.working = True
        sc.ending = ending
        sc.end_time = end_time
        sc.token += 1
        self._schedule(end_time, "end", sc.address, sc.token)

    def _post_pci(self, sc: Subchannel, address: int, now: int) -> None:
        self._seq += 1
        sc.pci = Pending(csw_bytes(sc.key, address, 0, PCI, 0), now, self._seq)
        self.cpu.attention = True

    def _next_data_ccw(self, ccw: _CCW, key: int) -> _CCW:
        """Data chaining: the next CCW (its command code is ignored, a TIC is
        followed).  Program checks: format, count zero."""
        nxt = self._locate(ccw.address + 8, key, False)
        if nxt.flags & FLAGS_RESERVED or nxt.count == 0:
            raise _ChannelError(PROGRAM_CHECK, nxt.address + 8)
        return nxt

    def _data_chain(self, sc: Subchannel, ccw: _CCW, length: int, exact: bool, now: int,
                    move: Callable[[_CCW, int, int], None],
                    before_chaining: Callable[[], None] | None = None) -> _Chained:
        """Carry a transfer of ``length`` bytes through the areas of the data
        chain that begins with ``ccw`` (GA22-7000 ch.12 "Data Chaining").
        ``move(ccw, offset, n)`` transfers bytes ``offset`` to ``offset + n - 1``
        of the device's data with the area of ``ccw`` (raising _Partial at a
        check); ``before_chaining()`` runs before the next CCW is fetched.  When
        the data ends before a CCW's count, incorrect length is indicated unless
        the SLI flag suppresses it (a data-chained CCW's count must be filled);
        when the chain ends before the data, with ``exact`` as well."""
        pos = 0
        used = 1
        while True:
            n = min(ccw.count, length - pos)
            if n:
                try:
                    move(ccw, pos, n)
                except _Partial as p:
                    return _Chained(ccw, used, pos + p.done, check=_Ending(
                        ccw.address, ccw.count - p.done, CE_DE, p.status, None, ccw.command))
            pos += n
            if n < ccw.count:                  # the data ended before the count
                incorrect = ccw.flags & CD or not ccw.flags & SLI
                return _Chained(ccw, used, pos, ccw.count - n,
                                INCORRECT_LENGTH if incorrect else 0)
            if not ccw.flags & CD:             # the chain ended, perhaps before the data
                incorrect = pos < length and exact and not ccw.flags & SLI
                return _Chained(ccw, used, pos, 0, INCORRECT_LENGTH if incorrect else 0)
            if before_chaining is not None:
                before_chaining()
            try:
                nxt = self._next_data_ccw(ccw, sc.key)
            except _ChannelError as e:
                return _Chained(ccw, used, pos, check=_Ending(
                    e.csw_address - 8, 0, CE_DE, e.status, None, ccw.command))
            ccw = nxt
            used += 1
            if ccw.flags & PCI_FLAG:
                self._post_pci(sc, ccw.address + 8, now)

    def _transfer_in(self, sc: Subchannel, ccw: _CCW, answer: Input, kind: str,
                     now: int) -> tuple[_Ending, tuple[int, int]]:
        """Move the device's data into the areas of the data chain (a CCW with
        the SKIP flag stores nothing).  Returns the ending and (CCWs used, bytes
        moved)."""
        key = sc.key
        data = answer.data
        backward = kind == "read-backward"
        sink = _Sink(0) if answer.deliver is not None else None
        status = answer.status

        def store(area: _CCW, offset: int, n: int) -> None:
            if area.flags & SKIP:
                return
            if sink is not None:
                sink.base = offset
            try:
                self._store_area(area, data[offset:offset + n], key, backward, sink)
            except _Partial:
                if sink is not None and answer.deliver is not None:
                    answer.deliver(sink.pieces)      # what preceded the check
                raise

        def deliver() -> None:
            nonlocal status
            if sink is not None and answer.deliver is not None:
                # On input the channel fetches the next CCW of a data chain
                # after the current CCW's data is in storage (GA22-7000
                # ch.12, "Data Chaining"; a program may read its own next
                # CCW): a translated transfer delivers what it has first.
                if answer.deliver(sink.pieces) != CE_DE:
                    status = CE_DE | UNIT_CHECK
                sink.pieces = []

        chain = self._data_chain(sc, ccw, len(data), True, now, store, deliver)
        moved = (chain.used, chain.moved)
        if chain.check is not None:
            return chain.check, moved
        if sink is not None and answer.deliver is not None:
            last = answer.deliver(sink.pieces)
            status = status if last == CE_DE else last
        return self._finish(chain.ccw, chain.residual, status, chain.channel), moved

    def _transfer_out(self, sc: Subchannel, ccw: _CCW, answer: Output,
                      now: int) -> tuple[_Ending, tuple[int, int]]:
        """Gather the output data from the areas of the data chain and give it to
        the device.  Returns the ending and (CCWs used, bytes moved)."""
        key = sc.key
        got = bytearray()
        sink = _Sink(0) if answer.direct is not None else None
        if answer.size is not None:
            answer.want = answer.size(self._peek(sc, ccw, answer.want))

        def fetch(area: _CCW, offset: int, n: int) -> None:
            if sink is not None:
                sink.base = offset
            got.extend(self._fetch_area(area, n, key, sink))

        chain = self._data_chain(sc, ccw, answer.want, answer.exact, now, fetch)
        moved = (chain.used, chain.moved)
        if chain.check is not None:
            return chain.check, moved
        if sink is not None and answer.direct is not None:
            status = answer.direct(sink.pieces)
        else:
            status = answer.finish(bytes(got))
        return self._finish(chain.ccw, chain.residual, status, chain.channel), moved

    def _peek(self, sc: Subchannel, ccw: _CCW, n: int) -> bytes:
        """The first ``n`` bytes of an output data chain, read ahead of the
        transfer (the device looks at them to know its length); fewer when the
        chain ends or a check stops it (the transfer then finds the check)."""
        out = bytearray()
        try:
            while len(out) < n:
                out += self._fetch_area(ccw, min(ccw.count, n - len(out)), sc.key)
                if len(out) >= n or not ccw.flags & CD:
                    break
                ccw = self._next_data_ccw(ccw, sc.key)
        except (_Partial, _ChannelError):
            pass
        return bytes(out)

    def _finish(self, ccw: _CCW, residual: int, status: int, channel: int) -> _Ending:
        """The ending of a command whose last CCW is ``ccw``: command chaining
        when the CC flag is on, the status is normal and no incorrect length is
        indicated (GA22-7000 ch.12 "Command Chaining")."""
        chain = None
        if ccw.flags & CC and not ccw.flags & CD and _normal(status) and not channel:
            chain = ccw.address + (16 if status & STATUS_MODIFIER else 8)
        return _Ending(ccw.address, residual, status, channel, chain, ccw.command)

    def _end_command(self, sc: Subchannel, time: int) -> None:
        """The command in progress ends: chain to the next, or conclude."""
        e = sc.ending
        assert e is not None
        if e.chain_to is not None:
            csw = self._initiate(sc, e.chain_to, time, False, e.previous)
            if csw is not None:
                self._post(sc, csw, time)
                self._free(sc, time)
            return
        self._post(sc, csw_bytes(sc.key, e.last_ccw + 8, e.unit, e.channel, e.residual), time)
        self._free(sc, time)

    # ------------------------------------------------------------------
    # The I/O instructions (GA22-7000 ch.13)
    # ------------------------------------------------------------------
    def _store_csw(self, csw: bytes) -> None:
        self.cpu.write_real(CSW_LOCATION, csw)

    def _store_status(self, unit: int, channel: int) -> None:
        """Store only the status portion (bytes 4-5) of the CSW."""
        self.cpu.write_real(CSW_LOCATION + 4, bytes([unit, channel]))

    def _lookup(self, address: int) -> Subchannel | None:
        return self.subchannels.get(address & 0xFFFF)

    def start_io(self, address: int) -> int:
        """START I/O: the condition code."""
        sc = self._lookup(address)
        if sc is None:
            return 3
        if sc.working or sc.pending is not None:
            return 2
        if sc.device_pending is not None:
            # Interruption condition in the device: busy with it, cleared.
            status = sc.device_pending.csw[4]
            sc.device_pending = None
            self._store_status(BUSY | status, 0)
            return 1
        cpu = self.cpu
        now = cpu.now()
        caw = int.from_bytes(cpu.read_real(CAW_LOCATION, 4), "big")
        key = caw >> 28
        command_address = caw & MASK24
        sc.key = key
        if caw & 0x0F000000 or command_address & 7 or command_address + 8 > cpu.size:
            # Invalid CAW format, CCW address specification or CCW address.
            self._store_csw(csw_bytes(key, command_address + 8, 0, PROGRAM_CHECK, 0))
            return 1
        csw = self._initiate(sc, command_address, now, True, None)
        if csw is not None:
            sc.working = False
            sc.ending = None
            self._store_csw(csw)
            return 1
        return 0

    def test_io(self, address: int) -> int:
        sc = self._lookup(address)
        if sc is None:
            return 3
        if sc.working:
            return 2
        p = sc.pending or sc.device_pending
        if p is None:
            return 0
        self._store_csw(p.csw)
        if sc.pending is p:
            sc.pending = None
        else:
            sc.device_pending = None
        self._free(sc, self.cpu.now())
        return 1

    def clear_io(self, address: int) -> int:
        sc = self._lookup(address)
        if sc is None:
            return 3
        if sc.pending is not None:
            self._store_csw(sc.pending.csw)
            sc.pending = None
            self._free(sc, self.cpu.now())
            return 1
        if sc.working:
            e = sc.ending
            assert e is not None
            channel = PCI if sc.pci is not None else 0
            self._store_csw(csw_bytes(sc.key, e.last_ccw + 8, 0, channel, e.residual))
            sc.working = False
            sc.ending = None
            sc.pci = None
            sc.token += 1
            self._free(sc, self.cpu.now())
            return 1
        return 0

    def halt_io(self, address: int) -> int:
        """HALT I/O and HALT DEVICE (the same with nonshared subchannels)."""
        sc = self._lookup(address)
        if sc is None:
            return 3
        if sc.pending is not None:
            return 0
        if sc.working:
            e = sc.ending
            assert e is not None
            now = self.cpu.now()
            e.chain_to = None
            e.unit = CE_DE | (e.unit & (UNIT_CHECK | UNIT_EXCEPTION))
            sc.token += 1
            self._store_status(0, 0)
            self._post(sc, csw_bytes(sc.key, e.last_ccw + 8, e.unit, e.channel, e.residual),
                       now)
            return 1
        self._store_status(0, 0)
        return 1

    def test_channel(self, channel: int) -> int:
        if not self.installed(channel):
            return 3
        for sc in self.subchannels.values():
            if sc.channel == channel and (sc.pending or sc.device_pending
                                          or (sc.pci and not sc.working)):
                return 1
        return 0

    def store_channel_id(self, channel: int) -> int:
        if not self.installed(channel):
            return 3
        kind = BYTE_MULTIPLEXER if channel == 0 else BLOCK_MULTIPLEXER
        self.cpu.write_real(CHANNEL_ID_LOCATION, (kind << 28).to_bytes(4, "big"))
        return 0

    # ------------------------------------------------------------------
    # I/O interruptions
    # ------------------------------------------------------------------
    def next_interruption(self) -> tuple[int, bytes] | None:
        """The oldest pending interruption condition for which the CPU is
        enabled: (I/O address, CSW), cleared from its subchannel."""
        cpu = self.cpu
        best: tuple[int, int, Subchannel, str] | None = None
        for sc in self.subchannels.values():
            for slot in ("pci", "pending", "device_pending"):
                p: Pending | None = getattr(sc, slot)
                if p is None or not cpu.io_channel_enabled(sc.channel):
                    continue
                if best is None or (p.time, sc.address) < (best[0], best[1]):
                    best = (p.time, sc.address, sc, slot)
        if best is None:
            return None
        _, address, sc, slot = best
        p = getattr(sc, slot)
        setattr(sc, slot, None)
        if slot != "pci":
            self._free(sc, cpu.now())
        return address, p.csw

    def any_enabled_pending(self) -> bool:
        cpu = self.cpu
        return any((sc.pci or sc.pending or sc.device_pending)
                   and cpu.io_channel_enabled(sc.channel)
                   for sc in self.subchannels.values())

    def pending_names(self) -> list[str]:
        out = []
        for a, sc in sorted(self.subchannels.items()):
            for slot in ("pci", "pending", "device_pending"):
                p = getattr(sc, slot)
                if p is not None:
                    out.append(f"io:{a:04X}:{p.csw.hex().upper()}")
        return out

    def wait_for(self, sc: Subchannel, max_events: int) -> bool:
        """Let machine time pass, the CPU doing nothing else, until the channel
        program of ``sc`` ends; False when it has not ended after ``max_events``
        channel events."""
        cpu = self.cpu
        for _ in range(max_events):
            if not sc.working:
                return True
            cpu.idle_us += max(0, sc.end_time - cpu.now())
            self.advance(cpu.now())
        return False

    # ------------------------------------------------------------------
    # Resets and initial program loading
    # ------------------------------------------------------------------
    def system_reset(self) -> None:
        """I/O system reset: operations end, pending conditions are cleared."""
        for sc in self.subchannels.values():
            sc.working = False
            sc.ending = None
            sc.pending = sc.pci = sc.device_pending = None
            sc.token += 1
            sc.device.reset()
        self._events = [e for e in self._events if e[2] == "attention"]
        heapq.heapify(self._events)

    def ipl(self, address: int, max_events: int = 1_000_000) -> str | None:
        """Initial program loading from ``address`` (GA22-7000 ch.4 "Initial
        Program Loading"): a read of 24 bytes into absolute 0 by an implicit CCW
        at absolute 0 (command X'02', flags CC and SLI), key 0; command chaining
        goes on at 8.  At the end of the chain the I/O address is stored (BC
        mode: locations 2-3, the PSW's interruption code; EC mode: 186-187) and
        the PSW at 0 is loaded.  Returns None, or why the IPL failed (the CPU
        would then stay in the load state)."""
        cpu = self.cpu
        sc = self._lookup(address)
        if sc is None:
            return f"device {address:03X} is not operational"
        self.system_reset()
        sc.key = 0
        device = sc.device
        answer = device.start(0x02, None)
        implicit = _CCW(0, 0x02, 0, CC | SLI, 24)
        now = cpu.now()
        if isinstance(answer, Input):
            ending, moved = self._transfer_in(sc, implicit, answer, "read", now)
            self._begin(sc, ending, now + CCW_TIME_US * moved[0] + BYTE_TIME_US * moved[1])
        elif isinstance(answer, Reject):
            return f"status {answer.status:02X} (sense {bytes(device.sense).hex().upper()})"
        else:
            return "the device cannot read"
        # Run the channel program to its end: the CPU is in the load state and
        # machine time passes as the channel works.
        if not self.wait_for(sc, max_events):
            return "the IPL channel program did not end"
        assert sc.pending is not None
        csw = sc.pending.csw
        sc.pending = None
        unit, channel = csw[4], csw[5] & ~(INCORRECT_LENGTH | PCI)
        if unit & ~(STATUS_MODIFIER | CE_DE) or channel or unit & CE_DE != CE_DE:
            return (f"status {unit:02X}{csw[5]:02X} "
                    f"(sense {bytes(device.sense).hex().upper()})")
        psw = int.from_bytes(cpu.mem[0:8], "big")
        if psw >> 51 & 1:
            cpu.write_real(IO_ADDRESS_LOCATION, address.to_bytes(2, "big"))
        else:
            cpu.mem[2:4] = address.to_bytes(2, "big")
            cpu._stored(2, 2)
        cpu.ipl_psw()
        if cpu.psw_invalid_bits:
            return "the PSW at location 0 is not valid"
        cpu.attention = True
        return None


@dataclass
class _Chained:
    """How a data chain ended: its last CCW, the CCWs used, the bytes moved, the
    residual count and the channel status (incorrect length); ``check``: the
    ending when a program or protection check stopped it."""

    ccw: _CCW
    used: int
    moved: int
    residual: int = 0
    channel: int = 0
    check: _Ending | None = None


class _Sink:
    """The pieces of a translated transfer: (absolute address, offset in the
    device's data, length), in transfer order.  ``base`` is the offset of the
    area being checked."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.pieces: list[tuple[int, int, int]] = []

    def add(self, address: int, done: int, n: int) -> None:
        self.pieces.append((address, self.base + done, n))


class _Partial(Exception):
    """A transfer stopped by a check after ``done`` bytes (``data``: fetched)."""

    def __init__(self, pieces: list[tuple[int, int]], status: int, done: int = 0,
                 data: bytes = b"") -> None:
        super().__init__(f"channel status {status:02X} after {done} bytes")
        self.pieces = pieces
        self.status = status
        self.done = done
        self.data = data


def _normal(status: int) -> bool:
    """Status that lets command chaining go on: channel end and device end, with
    status modifier at most (no attention, unit check, unit exception, busy)."""
    return status & ~STATUS_MODIFIER == CE_DE
