"""Input/output under the VMCP: virtual devices, minidisks, spool, CCW translation.

Theory of operation
-------------------
A guest's channel programs never reach a real channel as the guest wrote them.
Each VM has a **virtual channel subsystem** of its own: the machine's
``ChannelSubsystem`` (reference.io.channel) with the VM (``VirtualMachine``) as its
CPU, so it reads the guest's CAW and CCWs from guest storage, follows TICs,
chaining, skip, PCI and IDAWs, applies the guest's CAW key to the guest's
storage keys, sets the guest's reference and change bits, and keeps the
subchannel states, the CSW and the pending interruption conditions of the VM,
all in the VM's own time.  It is the channel of GA22-7000 chapters 12-13, the
same code the native machine runs, interpreting the guest's program one CCW at a
time at the guest-time moments the native channel would.  The eight I/O
instructions trap (they are privileged) and are simulated against it
(``SIMULATIONS`` in reference.vm.simulate); the VMCP ends every dispatch at the VM's next
channel event, and the VM's I/O interruptions are taken by the VM's own
interruption logic, so they come at the guest instruction boundary where they
come natively, and a waiting VM is woken by them.

What stands behind each virtual device:

* **Spooled unit-record devices and the virtual console** (3215, 2540 reader and
  punch, 1403): the device models of reference.io.devices, each on a file of the VM's
  own spool directory (``Spool``): a reader reads a deck spooled to the VM, a
  punch, printer or console writes a spool file that the VMCP hands on when the
  VM ends (``VMCP.release_spool``).  No real device is involved: the VMCP is the
  device, as CP is for spooled devices.  A spool file that cannot be written
  during the run is the device's equipment check; one whose destination cannot
  be written when the VM ends stays in the spool (``Spool.undelivered``), and a
  temporary spool that holds such a file is not removed.

* **Minidisks** (``Minidisk``): a 3370 of ``blocks`` blocks that is an extent of
  a real 3370 on the VMCP's real machine.  DEFINE EXTENT and LOCATE are checked
  against the minidisk exactly as a 3370 of that size checks them (the rules of
  ``reference.io.devices.Disk3370``).  READ, WRITE and READ IPL are performed by
  **CCW translation**: the virtual channel hands the minidisk the guest-absolute
  pieces of the data areas (already checked: addressing, the CAW key), and the
  VMCP builds a real channel program in its own storage::

      DEFINE EXTENT  the minidisk's extent on the real disk (relocated, bounded)
      LOCATE         the located blocks, relocated
      READ/WRITE     the data: guest-absolute addresses translated to host-real
                     ones, with indirect data addressing (IDAWs) wherever a data
                     area crosses a 2K page (the guest's pages are not contiguous
                     in real storage when the VM is paged), data chaining between
                     areas, skip for bytes the guest skips

  and starts it on the real disk with START I/O, the real CAW carrying the
  guest's CAW key (so the real channel checks the guest's storage keys too: they
  are the real keys of the guest's frames).  The real DEFINE EXTENT is always
  the minidisk's own extent: whatever the guest writes, the real disk refuses
  any block outside it.

* **CKD minidisks** (``CKDMinidisk``): a 2311, 2314, 3330, 3340, 3350 or 3380
  of ``cylinders`` cylinders that is cylinders [start, start + cylinders) of a
  real CKD volume of the VMCP (a Hercules image, reference.io.dasd), as VM/370
  gives them (VM/370 Planning and System Generation Guide, "Minidisks": a
  volume holding minidisks has tracks whose R0 and R1 counts name different
  cylinders).  The minidisk is a *volume* (the interface of
  ``reference.io.ckd.CKDVolume``) of that many cylinders over the real one: the
  VM's virtual device is a ``CKDDevice`` of the real volume's type on it, so
  every command, status and sense byte is the native device's for a volume of
  that size (a seek beyond it is the seek check of that device; a multitrack
  operation ends at the end of the minidisk's cylinder; the sense bytes name
  the minidisk's cylinder), and the only way to the real volume is the view,
  which maps minidisk cylinder c to real cylinder start + c and refuses any
  other: no seek, multitrack operation or end-of-cylinder path can name a
  neighbour's cylinder.  The track images are the guest's: the records it
  writes keep the counts it writes (as on VM/370, whose guests format their
  minidisks with the minidisk's cylinder numbers), except that, as VM/370's CP
  "unrelocates" the cylinder returned by READ HOME ADDRESS and READ RECORD ZERO
  (VM/370 System Logic, SY20-0886, "alternate tracks"), the view shows the home
  address and the count of record 0 with the minidisk's cylinder: the numbers c
  and start + c are exchanged in those two fields, both ways, so that every
  track image reads back exactly as the guest wrote it, and the real volume's
  home addresses stay the real ones.
* **Tapes** (3420): a real tape unit of the VMCP attached to one VM (a dedicated
  device: the VM's channel drives it, no other VM can have it, and it goes back
  to the VMCP when the VM ends), or a virtual tape unit on a tape file of its
  own.

Restrictions (each tested in tests/test_vmio.py, and in docs/vmcp.md):

1. Real minidisk I/O is synchronous: the VMCP starts the real channel program
   and waits for it before the guest goes on.  The guest does not see this: its
   virtual channel finishes the command at the guest time the native channel
   would.  (VM/370 overlapped real I/O with other VMs; here the real machine's
   time simply passes.)
2. Unlike VM/370, which copied a channel program at START I/O, this VMCP
   interprets the guest's program as the channel does, so channel programs that
   modify themselves while running run as natively (not a restriction: a test
   shows it).
3. Devices are virtual or minidisks, but for an attached tape (dedicated to
   one VM: its channel drives the real unit): no guest CCW reaches a real disk
   untranslated.
4. A real disk error (the host file) is an equipment check on the minidisk.
5. Paged VMs: the VMCP brings the guest pages of a transfer in before the real
   START I/O and moves at most four pages per real channel program; a single
   block whose areas lie in more pages than that (data chaining over scattered
   bytes) goes through a buffer of the VMCP's instead.
6. A real read error ends the minidisk's command with channel end, device end
   and unit check (equipment check) after its data would have been transferred,
   where a native 3370 whose host file fails rejects the read at once.
7. A CKD minidisk's channel programs are interpreted by the VM's channel and a
   CKD device of the minidisk's size working on the real volume's tracks (the
   view of the minidisk), not translated into real channel programs: the real
   volume sees reads and writes of the minidisk's own tracks only.

On input with data chaining the translated transfer is delivered before the
channel fetches the next CCW of the chain, as the channel stores the data before
it fetches that CCW: a program that reads its own next CCW runs as natively.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference.io.channel import (
    CC,
    CD,
    CE_DE,
    IDA,
    IDAW_BLOCK,
    SKIP,
    SLI,
    UNIT_CHECK,
    ChannelSubsystem,
    Input,
    Output,
    Start,
)
from reference.io.ckd import CKDDevice
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.config import Configuration, DeviceSpec
from reference.io.devices import (
    EQUIPMENT_CHECK,
    CardPunch2540,
    CardReader2540,
    Console3215,
    DeviceBase,
    Disk3370,
    Printer1403,
)
from reference.io.tape import Tape3420
from reference.vm.paging import PAGE as PAGE_4K

BLOCK = Disk3370.BLOCK
AREA_SIZE = 32 * 1024          # the VMCP's real area for translated channel programs
MAX_PAGES_PER_PROGRAM = 4      # guest pages of one real channel program (paged VMs)
MAX_REAL_COUNT = 0xF800        # bytes of one real CCW (a multiple of 2K)
MAX_PIECES = (AREA_SIZE - 64) // 20   # a piece costs at most a CCW, an IDAW, a skip CCW
MAX_GAP_BLOCKS = 64            # blocks skipped inside one real program, at most
REAL_EVENTS_LIMIT = 100_000

# Spool file suffixes by device type.
SUFFIX = {"3215": "console", "2540R": "reader", "2540P": "punch", "1403": "printer"}


class VMIOError(Exception):
    """A virtual device configuration the VMCP cannot set up (bad input)."""


# ---------------------------------------------------------------------------
# The VMCP's real channel programs
# ---------------------------------------------------------------------------
@dataclass
class RealIO:
    """Real channel programs of the VMCP: built in its own real storage area,
    started with START I/O on the real machine, waited for, status taken with
    TEST I/O (the real machine runs disabled for I/O: the VMCP polls)."""

    real: Any                  # the real Machine
    area: int                  # real address of the area (AREA_SIZE bytes)
    programs: int = 0          # real channel programs run
    real_us: int = 0           # real time they took

    def run(self, device: int, key: int, ccws: list[tuple[int, int, int, int]],
            data: bytes) -> tuple[int, int]:
        """Run a channel program: ``ccws`` as (command, data address, flags,
        count), placed at the start of the area, followed by ``data`` (whose
        offsets the caller turned into addresses with ``data_at``).  Returns the
        CSW's (unit status, channel status)."""
        real = self.real
        at = self.area
        program = b"".join(bytes([c]) + (d & 0xFFFFFF).to_bytes(3, "big") + bytes([f, 0])
                           + (n & 0xFFFF).to_bytes(2, "big") for c, d, f, n in ccws)
        body = program + data
        if len(body) > AREA_SIZE:
            raise AssertionError("model error: translated channel program beyond its area")
        real.mem[at:at + len(body)] = body
        real.write_real(0x48, ((key & 0xF) << 28 | at).to_bytes(4, "big"))
        channels = real.channels
        self.programs += 1
        start = real.now()
        cc = channels.start_io(device)
        if cc == 0:
            channels.wait_for(channels.subchannels[device], REAL_EVENTS_LIMIT)
            cc = channels.test_io(device)
        self.real_us += real.now() - start
        if cc != 1:
            return UNIT_CHECK, 0        # no status: as an equipment check
        csw = real.read_real(0x40, 8)
        return csw[4], csw[5]

    def data_at(self, ccw_count: int, offset: int) -> int:
        """The real address of ``offset`` in the data part of a program of
        ``ccw_count`` CCWs."""
        return self.area + 8 * ccw_count + offset


# ---------------------------------------------------------------------------
# Minidisks
# ---------------------------------------------------------------------------
class Minidisk(Disk3370):
    """A 3370 of ``blocks`` blocks that is blocks [start, start + blocks) of the
    real 3370 at real I/O address ``real_device``.

    The checks of DEFINE EXTENT and LOCATE are the 3370's, against the minidisk's
    size (inherited from Disk3370); the data moves by CCW translation (module
    text)."""

    def __init__(self, io: RealIO, real_device: int, start: int, blocks: int,
                 vm: Any, on_page_in: Any = None) -> None:
        DeviceBase.__init__(self)       # a minidisk has no host file of its own
        self.io = io
        self.real_device = real_device
        self.start_block = start
        self.blocks = blocks
        self.vm = vm
        self.on_page_in = on_page_in
        self.subchannel: Any = None      # set when attached: the CAW key is its key
        self._request: tuple[int, int] | None = None
        self.real_programs = 0
        self._new_chain()

    def close(self) -> None:
        pass

    def _read(self, block: int, count: int) -> bytes:
        # The native 3370 reads here; the minidisk remembers the device blocks
        # and delivers them by a real channel program (``_deliver``).
        self._request = (block, count)
        return bytes(count * BLOCK)

    def command(self, command: int, previous: int | None) -> Start:
        loc, ext = self.located, self.extent
        answer = super().command(command, previous)
        if isinstance(answer, Input) and self._request is not None:
            block, count = self._request
            self._request = None
            answer.deliver = lambda pieces: self._transfer(0x42, block, count, pieces)
        elif isinstance(answer, Output) and command == 0x41:
            assert loc is not None and ext is not None
            _, count, first = loc
            block = ext[1] + first - ext[2]
            answer.direct = lambda pieces: self._transfer(0x41, block, count, pieces)
        return answer

    # --- CCW translation ---------------------------------------------------
    def _transfer(self, command: int, block: int, count: int,
                  pieces: list[tuple[int, int, int]]) -> int:
        """Move the data of ``count`` minidisk blocks from ``block`` between the
        disk and the guest-absolute ``pieces`` (address, offset, length), by real
        channel programs.  Returns the ending unit status."""
        if not pieces:
            return CE_DE                  # the guest skipped every byte read
        key = self.subchannel.key if self.subchannel is not None else 0
        # Group the pieces by device block, and the blocks into chunks whose
        # pieces fit one real channel program (and, for a paged VM, a few pages).
        groups: list[tuple[int, list[tuple[int, int, int]]]] = []
        for piece in _split_at_blocks(pieces):
            b = piece[1] // BLOCK
            if groups and groups[-1][0] == b:
                groups[-1][1].append(piece)
            else:
                groups.append((b, [piece]))
        # A chunk is whole blocks, gaps of at most MAX_GAP_BLOCKS between them
        # (a skip CCW's count is 16 bits), whose pieces fit the area and, for a
        # paged VM, MAX_PAGES_PER_PROGRAM pages; a block whose own pieces lie in
        # more pages than that goes through the VMCP's buffer ("bounce").
        Group = tuple[int, list[tuple[int, int, int]]]
        chunks: list[tuple[str, list[Group]]] = []
        current: list[Group] = []
        pages: set[int] = set()
        entries = 0
        limit = self._page_limit()
        for group in groups:
            more = {a // PAGE_4K for a, _, _ in group[1]}
            if len(more) > limit:
                if current:
                    chunks.append(("direct", current))
                chunks.append(("bounce", [group]))
                current, pages, entries = [], set(), 0
                continue
            if current and (len(pages | more) > limit or entries + len(group[1]) > MAX_PIECES
                            or group[0] - current[-1][0] > MAX_GAP_BLOCKS):
                chunks.append(("direct", current))
                current, pages, entries = [], set(), 0
            current.append(group)
            pages |= more
            entries += len(group[1])
        if current:
            chunks.append(("direct", current))
        for n, (kind, chunk) in enumerate(chunks):
            first, last = chunk[0][0], chunk[-1][0]
            if n == len(chunks) - 1 and command == 0x41:
                last = count - 1          # a short write: the device pads the blocks
            chunk_pieces = [p for g in chunk for p in g[1]]
            if kind == "bounce":
                status = self._bounce_program(command, block + first, first,
                                              last - first + 1, chunk_pieces)
            else:
                status = self._real_program(command, block + first, first, last - first + 1,
                                            chunk_pieces, key)
            if status != CE_DE:
                self.sense[0] = EQUIPMENT_CHECK
                return CE_DE | UNIT_CHECK
        return CE_DE

    def _real_ccws(self, command: int, block: int, blocks: int) -> tuple[
            list[tuple[int, int, int, int]], bytes]:
        """DEFINE EXTENT of the minidisk and LOCATE ``blocks`` blocks at its block
        ``block``: the first two CCWs (data addresses filled in by the caller,
        at the data offsets 0 and 16) and their 24 bytes of data."""
        extent = (bytes([0xC0 if command == 0x41 else 0x40, 0, 0, 0])
                  + self.start_block.to_bytes(4, "big") + (0).to_bytes(4, "big")
                  + (self.blocks - 1).to_bytes(4, "big"))
        locate = bytes([0x01 if command == 0x41 else 0x06, 0]) + blocks.to_bytes(2, "big") \
            + block.to_bytes(4, "big")
        return [(0x63, 0, CC, 16), (0x43, 16, CC, 8)], extent + locate

    def _bounce_program(self, command: int, block: int, first_block: int, blocks: int,
                        pieces: list[tuple[int, int, int]]) -> int:
        """A block whose pieces are spread over more of a paged VM's pages than
        one real program may hold: moved through the VMCP's own buffer (the real
        channel program reads into it, or writes from it, with key 0; the guest's
        keys were checked by its channel)."""
        vm = self.vm
        base = first_block * BLOCK
        ccws, data = self._real_ccws(command, block, blocks)
        total = 3
        at = [(c, self.io.data_at(total, d), f, n) for c, d, f, n in ccws]
        buffer_at = self.io.data_at(total, len(data))
        size = pieces[-1][1] + pieces[-1][2] - base
        if command == 0x41:
            out = bytearray(size)
            for address, offset, n in pieces:
                out[offset - base:offset - base + n] = vm.mem[address:address + n]
            data += bytes(out)
        at.append((command, buffer_at, SLI, size))
        unit, channel = self.io.run(self.real_device, 0, at, data)
        self.real_programs += 1
        if command == 0x42 and unit == CE_DE and channel == 0:
            got = bytes(self.io.real.mem[buffer_at:buffer_at + size])
            for address, offset, n in pieces:
                vm.mem[address:address + n] = got[offset - base:offset - base + n]
                vm._stored(address, n)
            if self.on_page_in is not None:
                self.on_page_in(vm)
        return unit if channel == 0 else UNIT_CHECK

    def _page_limit(self) -> int:
        return MAX_PAGES_PER_PROGRAM if self.vm.paged is not None else 1 << 30

    def _real_program(self, command: int, block: int, first_block: int, blocks: int,
                      pieces: list[tuple[int, int, int]], key: int) -> int:
        """One real channel program: DEFINE EXTENT (the minidisk), LOCATE
        ``blocks`` blocks at minidisk block ``block``, then the data CCWs for
        ``pieces`` (offsets relative to the command's data; this chunk starts at
        ``first_block``)."""
        vm = self.vm
        base = first_block * BLOCK
        # Guest-absolute -> host-real (paging the guest's pages in, if paged).
        paged_in = False
        host: list[tuple[int, int, int]] = []
        for address, _, _ in pieces:
            if vm.paged is not None:
                page = address // PAGE_4K
                paged_in |= vm.paged.resident_frame(page) is None
                vm.real_frame(address, page_in=True)
                vm.paged.pager.resident.move_to_end((id(vm.paged), page))
        for address, offset, n in pieces:
            real = vm.real_frame(address)
            assert real is not None
            host.append((real, offset - base, n))
        if paged_in and self.on_page_in is not None:
            self.on_page_in(vm)
        # Data CCWs: runs of pieces that an IDAW list can carry (contiguous in
        # the device's data; a new IDAW only at a 2K boundary), skips between.
        position = 0
        ccws: list[tuple[str, int, list[tuple[int, int]]]] = []
        for real, offset, n in host:
            if offset > position:
                ccws.append(("skip", offset - position, []))
                position = offset
            last = ccws[-1] if ccws else None
            if (last is not None and last[0] == "data" and real % IDAW_BLOCK == 0
                    and (last[2][-1][0] + last[2][-1][1]) % IDAW_BLOCK == 0
                    and last[1] + n <= MAX_REAL_COUNT):
                ccws[-1] = ("data", last[1] + n, last[2] + [(real, n)])
            else:
                ccws.append(("data", n, [(real, n)]))
            position += n
        total = 2 + len(ccws)
        head, data_bytes = self._real_ccws(command, block, blocks)
        data = bytearray(data_bytes)
        real_ccws = [(c, self.io.data_at(total, d), f, n) for c, d, f, n in head]
        for k, (kind, n, idaws) in enumerate(ccws):
            flags = CD if k < len(ccws) - 1 else SLI
            if kind == "skip":
                real_ccws.append((command, 0, flags | SKIP, n))
                continue
            at = self.io.data_at(total, len(data))
            data += b"".join(a.to_bytes(4, "big") for a, _ in idaws)
            real_ccws.append((command, at, flags | IDA, n))
        unit, channel = self.io.run(self.real_device, key, real_ccws, bytes(data))
        self.real_programs += 1
        return unit if channel == 0 else UNIT_CHECK


def _split_at_blocks(pieces: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The pieces cut where a 512-byte block of the device's data ends."""
    out = []
    for address, offset, n in pieces:
        while n > 0:
            k = min(n, BLOCK - offset % BLOCK)
            out.append((address, offset, k))
            address, offset, n = address + k, offset + k, n - k
    return out


class CKDMinidisk:
    """Cylinders [start, start + cylinders) of the real CKD volume ``real`` (an
    open image, reference.io.dasd) as a volume of ``cylinders`` cylinders: the
    volume of a VM's ``CKDDevice`` (module text).  Minidisk cylinder c is real
    cylinder start + c; in the home address and record 0's count the two
    numbers are exchanged, so that the guest sees its own cylinder there."""

    def __init__(self, real: Any, start: int, cylinders: int) -> None:
        if not (0 <= start and 1 <= cylinders and start + cylinders <= real.cylinders):
            raise VMIOError(f"minidisk: cylinders {start}-{start + cylinders - 1} are not "
                            f"on the real volume ({real.cylinders} cylinders)")
        self.real = real
        self.start = start
        self.cylinders = cylinders
        self.heads: int = real.heads
        self.readonly: bool = real.readonly
        self.geometry = real.geometry

    def _real_cylinder(self, cyl: int, head: int) -> int:
        if not (0 <= cyl < self.cylinders and 0 <= head < self.heads):
            # The device never asks for one (its seeks are checked against the
            # minidisk's size); the view refuses it all the same.
            raise ValueError(f"minidisk: no track {cyl}/{head} on a minidisk of "
                             f"{self.cylinders} cylinders")
        return self.start + cyl

    def _exchange(self, track: bytes, cyl: int) -> bytes:
        """``track`` with the cylinder numbers ``cyl`` and start + ``cyl``
        exchanged in the home address and in record 0's count (its own inverse)."""
        real = self.start + cyl
        if real == cyl or len(track) < 5:
            return track
        out = bytearray(track)
        fields = [1]
        if len(out) >= 13 and out[9] == 0 and out[5:13] != b"\xff" * 8:
            fields.append(5)          # the first count is record 0's
        for at in fields:
            value = int.from_bytes(out[at:at + 2], "big")
            if value == cyl:
                out[at:at + 2] = real.to_bytes(2, "big")
            elif value == real:
                out[at:at + 2] = cyl.to_bytes(2, "big")
        return bytes(out)

    def read_track(self, cyl: int, head: int) -> bytes:
        return self._exchange(self.real.read_track(self._real_cylinder(cyl, head), head), cyl)

    def write_track(self, cyl: int, head: int, data: bytes) -> None:
        self.real.write_track(self._real_cylinder(cyl, head), head, self._exchange(data, cyl))

    def close(self) -> None:
        pass                          # the real volume is the VMCP's: closed with it


# ---------------------------------------------------------------------------
# Spool
# ---------------------------------------------------------------------------
@dataclass
class Undelivered:
    """A spool file whose destination could not be written: it stays in the
    spool at ``path``."""

    vm: str
    address: int
    path: Path
    destination: Path
    reason: str


@dataclass
class Spool:
    """The VMCP's spool: one directory per VM (``NNN-name``, NNN its creation
    order), one file per spooled device; ``undelivered`` lists the spool files
    kept because their destinations could not be written."""

    directory: Path | None = None
    undelivered: list[Undelivered] = field(default_factory=list)
    _cleanup: Any = None

    def __post_init__(self) -> None:
        if self.directory is not None:
            self.directory = Path(self.directory)

    def path(self, vm_name: str, address: int, type_name: str) -> Path:
        if self.directory is None:
            # A temporary spool, made when a VM first needs it and removed with
            # the VMCP, unless it holds undelivered output (``keep``).
            self.directory = Path(tempfile.mkdtemp(prefix="s370-spool-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory,
                                             ignore_errors=True)
        folder = self.directory / vm_name
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{address:03X}.{SUFFIX[type_name]}"

    def keep(self, item: Undelivered) -> None:
        """A spool file stays: its destination could not be written."""
        self.undelivered.append(item)
        if self._cleanup is not None:
            self._cleanup.detach()


def spool_problem(path: Path) -> str | None:
    """Why ``path`` cannot be the spool directory (an existing writable folder,
    or a new one in an existing writable folder), or None."""
    if path.exists():
        if not path.is_dir():
            return "not a folder"
        if not os.access(path, os.W_OK | os.X_OK):
            return "folder not writable"
        return None
    parent = path.resolve().parent
    if not parent.is_dir():
        return f"folder {parent} does not exist"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"folder {parent} is not writable"
    return None


# ---------------------------------------------------------------------------
# A VM's devices
# ---------------------------------------------------------------------------
@dataclass
class VirtualDevice:
    """One device of a VM, as the VMCP's directory entry describes it.

    ``type_name``: 3215, 2540R, 2540P, 1403 (spooled), MDISK (a minidisk of
    ``blocks`` blocks from block ``start`` of the real 3370 ``real``, or, with
    ``cylinders``, of that many cylinders from cylinder ``start`` of the real CKD
    volume ``real``), TAPE (the real tape unit ``real``, attached to the VM) or
    3420 (a virtual tape unit on its own file: ``tape`` holds the arguments of
    ``reference.io.tape.Tape3420``: path, fmt, compression, ring, max_size).  For a
    reader, ``cards`` is the deck spooled to it; for the console, ``script`` its
    scripted input lines and ``attention`` the guest times of attention.  A
    spooled output device's file goes to ``release_to`` when the VM ends (None:
    it stays in the spool)."""

    address: int
    type_name: str
    cards: list[bytes] = field(default_factory=list)
    eof: bool = True
    script: list[str] = field(default_factory=list)
    attention: list[int] = field(default_factory=list)
    binary: bool = False
    real: int = 0
    start: int = 0
    blocks: int = 0
    release_to: Path | None = None
    cylinders: int = 0
    tape: dict[str, Any] = field(default_factory=dict)


@dataclass
class VMDevices:
    """What the VMCP keeps for one VM's devices."""

    channels: ChannelSubsystem
    spool_files: dict[int, tuple[Path, Path | None]] = field(default_factory=dict)
    minidisks: dict[int, Minidisk] = field(default_factory=dict)
    attached: dict[int, Any] = field(default_factory=dict)   # real tapes, by address
    name: str = ""                  # the VM's
    spool: Spool | None = None      # where undelivered output is listed


def attach_devices(cp: Any, vm: Any, devices: list[VirtualDevice]) -> VMDevices:
    """Give ``vm`` its virtual channel subsystem and devices (VMIOError when the
    directory entry is bad: overlapping minidisks, a real disk that is not
    there, an extent beyond it)."""
    channels = ChannelSubsystem(vm)
    kept = VMDevices(channels, name=vm.name, spool=cp.spool)
    try:
        for spec in devices:
            device: Any
            if spec.type_name == "MDISK" and spec.cylinders:
                device = CKDDevice(cp.ckd_minidisk(vm, spec.real, spec.start,
                                                   spec.cylinders))
            elif spec.type_name == "MDISK":
                device = cp.minidisk(vm, spec.real, spec.start, spec.blocks)
                kept.minidisks[spec.address] = device
            elif spec.type_name == "TAPE":
                device = cp.attach_tape(vm, spec.real)
            elif spec.type_name == "3420":
                try:
                    device = Tape3420(**spec.tape)
                except OSError as e:
                    raise VMIOError(f"device {spec.address:03X}: tape {e.filename}: "
                                    f"{e.strerror or e}") from None
            else:
                try:
                    device, path = _spooled_device(cp.spool, vm, spec)
                except OSError as e:
                    raise VMIOError(f"device {spec.address:03X}: spool "
                                    f"{e.filename or cp.spool.directory}: "
                                    f"{e.strerror or e}") from None
                kept.spool_files[spec.address] = (path, spec.release_to)
            try:
                channels.attach(spec.address, device)
            except ValueError as e:
                if spec.type_name == "3420":
                    device.close()
                raise VMIOError(str(e)) from None
            if spec.type_name == "TAPE":
                kept.attached[spec.address] = device
            if isinstance(device, Minidisk):
                device.subchannel = channels.subchannels[spec.address]
    except BaseException:
        _detach_attached(kept)
        channels.close()
        cp.forget_minidisks(vm)
        raise
    vm.channels = channels
    return kept


def _spooled_device(spool: Spool, vm: Any, spec: VirtualDevice) -> tuple[Any, Path]:
    """A spooled unit-record device or console on its spool file (OSError when
    the spool cannot hold it)."""
    path = spool.path(f"{vm.order:03d}-{vm.name}", spec.address, spec.type_name)
    if spec.type_name == "3215":
        return Console3215(path, list(spec.script), list(spec.attention)), path
    if spec.type_name == "2540R":
        # The deck is spooled to the VM: its spool file holds the cards, 80 bytes
        # each.
        short = [i for i, c in enumerate(spec.cards) if len(c) != 80]
        if short:
            raise VMIOError(f"device {spec.address:03X}: card {short[0] + 1} "
                            f"is {len(spec.cards[short[0]])} bytes, not 80")
        path.write_bytes(b"".join(spec.cards))
        return CardReader2540(list(spec.cards), spec.eof), path
    if spec.type_name == "2540P":
        return CardPunch2540(path, spec.binary), path
    if spec.type_name == "1403":
        return Printer1403(path), path
    raise VMIOError(f"device {spec.address:03X}: unknown type {spec.type_name!r}")


def release_spool(kept: VMDevices) -> list[Path]:
    """Close the VM's devices and hand its spooled output on: each file with a
    destination is copied there (as CP prints or punches a closed spool file).
    A file whose destination cannot be written stays in the spool and is listed
    in the spool's ``undelivered``.  Returns the destinations written.  An
    attached tape is not closed: it goes back to the VMCP.  Its subchannel stays
    in the VM's channel subsystem, so the VM's final state keeps what its channel
    had pending for it, as a native machine's does."""
    for address, sc in kept.channels.subchannels.items():
        if address not in kept.attached:
            sc.device.close()
    kept.attached.clear()
    written = []
    for address, (path, destination) in sorted(kept.spool_files.items()):
        if destination is None or not path.exists() or path.suffix == ".reader":
            continue
        try:
            shutil.copyfile(path, destination)
        except OSError as e:
            kept_file = Undelivered(kept.name, address, path, destination,
                                    e.strerror or str(e))
            if kept.spool is not None:
                kept.spool.keep(kept_file)
            continue
        written.append(destination)
    return written


def _detach_attached(kept: VMDevices) -> None:
    """Take the attached real devices out of the VM's channel subsystem: they
    are the VMCP's, and closing the VM's channels must not close them."""
    for address in kept.attached:
        kept.channels.subchannels.pop(address, None)
    kept.attached.clear()


def devices_from_configuration(cp: Any, config: Configuration) -> list[VirtualDevice]:
    """The devices of a machine configuration (reference.io.config) for the only VM
    of ``cp``: spooled unit-record devices and console whose spool files go to
    the configured files when the VM ends; each 3370 or CKD disk becomes a real
    disk of the VMCP at the same address and a minidisk of the whole disk for the
    VM; each 3420 a real tape unit of the VMCP attached to the VM."""
    out = []
    for spec in config.devices:
        if spec.type_name not in ("3370", "3420", *GEOMETRIES, *SUFFIX):
            raise VMIOError(f"{config.path}:{spec.line}: device {spec.address:03X}: the VMCP "
                            f"does not give a {spec.type_name} to a virtual machine")
        o = spec.options
        if spec.type_name == "3370":
            disk = cp.attach_real_disk(spec.address, o["file"])
            out.append(VirtualDevice(spec.address, "MDISK", real=spec.address, start=0,
                                     blocks=disk.blocks))
        elif spec.type_name in GEOMETRIES:
            volume = cp.attach_real_ckd(spec.address, o["file"], spec.type_name,
                                        o.get("readonly", False)).volume
            out.append(VirtualDevice(spec.address, "MDISK", real=spec.address, start=0,
                                     cylinders=volume.cylinders))
        elif spec.type_name == "3420":
            cp.attach_real_tape(spec.address, **tape_arguments(spec))
            out.append(VirtualDevice(spec.address, "TAPE", real=spec.address))
        else:
            out.append(virtual_device(spec))
    return out


def tape_arguments(spec: DeviceSpec) -> dict[str, Any]:
    """The arguments of ``Tape3420`` for a configured 3420."""
    o = spec.options
    return {"path": o["file"], "fmt": o["format"], "compression": o["compression"],
            "ring": o["ring"], "max_size": o["max_size"]}


def virtual_device(spec: DeviceSpec) -> VirtualDevice:
    """A configured unit-record device or console (``reference.io.config``) as a
    spooled virtual device, or a 3420 as a virtual tape unit on its own file."""
    o = spec.options
    kind = spec.type_name
    if kind == "3420":
        return VirtualDevice(spec.address, kind, tape=tape_arguments(spec))
    if kind == "3215":
        return VirtualDevice(spec.address, kind, script=list(o.get("script", [])),
                             attention=list(o.get("attention", [])),
                             release_to=o.get("output"))
    if kind == "2540R":
        return VirtualDevice(spec.address, kind, cards=list(o["cards"]),
                             eof=o.get("eof", True))
    return VirtualDevice(spec.address, kind, binary=o.get("format") == "binary",
                         release_to=o["file"])
