"""Channel command words, and a guest that starts one channel program on a device.

Channel command words (format 0, GA22-7000 ch.12 "Channel Command Word"):

- ``ccw(command, address, flags, count)``: the 8 bytes of one CCW.
- ``ccw_flags()``: a flag byte: CD, CC, SLI, SKIP, PCI and IDA, now and then the
  invalid bits 38-39.
- ``ccw_fields(commands=None, addresses=None, counts=None)``, ``ccws(...)``: one CCW
  (its fields, or its bytes), the command, data address and count from the pools
  given (a list or a strategy; ``None``: any byte, any address, any count).

3370 disk parameters (reference.io.devices.Disk3370):

- ``define_extent(mask, origin, first, last)``, ``locate(operation, count, block,
  replication=0)``: the parameter bytes of DEFINE EXTENT (16) and LOCATE (8).
- ``valid_extents(blocks)``: a DEFINE EXTENT and a LOCATE the disk accepts, with what
  they locate.
- ``extents(blocks)``, ``locates(blocks)``: parameters that are mostly wrong (near
  misses, now and then any bytes).

CKD disk parameters (reference.io.ckd.CKDDevice) and the 3420 tape:

- ``seek_address(cyl, head, bb=0)``, ``record_id(cyl, head, record)``,
  ``count_field(cyl, head, record, key_length, data_length)``: the data of SEEK
  (BBCCHH), of SEARCH ID (CCHHR) and the count of a record (CCHHRKLDLDL).
- ``DEVICE_COMMANDS``: the command codes each device type of the programs
  implements (the device models' docstrings); the coverage report
  (conformance.coverage) lists those that never reached a device of the type.

The guest: ``channel_programs(device=None, length=None, wait=None, caw_key=None)``
starts one channel program on a device of ``CHANNEL_DEVICES`` and records its end;
the storage map and what the program does are below.  For the CKD disk (``3350``)
and the tape (``3420``): ``ckd_chains()`` and ``tape_chains()`` draw their channel
programs (SEEK, SET FILE MASK, SEARCH ID or KEY with a TIC back to it, reads and
writes; tape writes, reads, tape marks, rewind, spacing, read backward, SENSE), on
the volume and reel that conformance/test_channel_programs.py prepares
(``CKD_TRACKS``, ``TAPE_BLOCKS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

from hypothesis import strategies as st

from reference.io.channel import CC, CD, FLAGS_RESERVED, IDA, PCI_FLAG, SKIP, SLI

from .instructions import PROGRAM_STORAGE

FLAG_BITS = (CD, CC, SLI, SKIP, PCI_FLAG, IDA)
Pool = Union[Sequence[int], st.SearchStrategy[int], None]


def ccw(command: int, address: int, flags: int, count: int) -> bytes:
    """A format-0 CCW: command, data address (24 bits), flags, a zero byte, count."""
    return (bytes([command]) + (address & 0xFFFFFF).to_bytes(3, "big") + bytes([flags, 0])
            + (count & 0xFFFF).to_bytes(2, "big"))


def define_extent(mask: int, origin: int, first: int, last: int) -> bytes:
    """The parameters of a 3370 DEFINE EXTENT: the file mask, three zero bytes, the
    extent's first block on the device, its first and last block as numbered in it."""
    return bytes([mask, 0, 0, 0]) + b"".join((v & 0xFFFFFFFF).to_bytes(4, "big")
                                             for v in (origin, first, last))


def locate(operation: int, count: int, block: int, replication: int = 0) -> bytes:
    """The parameters of a 3370 LOCATE: the operation, the replication count, the
    number of blocks and the first of them (as numbered in the extent)."""
    return (bytes([operation, replication]) + (count & 0xFFFF).to_bytes(2, "big")
            + (block & 0xFFFFFFFF).to_bytes(4, "big"))


def _pool(values: Pool, widest: st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    if values is None:
        return widest
    if isinstance(values, st.SearchStrategy):
        return values
    return st.sampled_from(list(values))


@st.composite
def ccw_flags(draw: st.DrawFn, allowed: int | None = None) -> int:
    """A CCW's flag byte: each of CD, CC, SLI, SKIP, PCI and IDA (those of the mask
    ``allowed``; None: all) one time in five; one time in sixteen a one in bits
    38-39 as well (an invalid CCW)."""
    flags = 0
    for bit in FLAG_BITS:
        if (allowed is None or bit & allowed) and draw(st.integers(0, 4)) == 0:
            flags |= bit
    if draw(st.integers(0, 15)) == 0:
        flags |= draw(st.sampled_from([0x01, 0x02, FLAGS_RESERVED]))
    return flags


@st.composite
def ccw_fields(draw: st.DrawFn, commands: Pool = None, addresses: Pool = None,
               counts: Pool = None, flags_allowed: int | None = None
               ) -> tuple[int, int, int, int]:
    """(command, data address, flags, count) of one CCW: the command from
    ``commands``, the flags by ``ccw_flags`` (of ``flags_allowed``), the data
    address from ``addresses``, the count from ``counts``."""
    command = draw(_pool(commands, st.integers(0, 0xFF)))
    flags = draw(ccw_flags(flags_allowed))
    address = draw(_pool(addresses, st.integers(0, 0xFFFFFF)))
    count = draw(_pool(counts, st.integers(0, 0xFFFF)))
    return command, address, flags, count


def ccws(commands: Pool = None, addresses: Pool = None,
         counts: Pool = None) -> st.SearchStrategy[bytes]:
    """The 8 bytes of one CCW drawn as ``ccw_fields`` draws its fields."""
    return ccw_fields(commands, addresses, counts).map(lambda fields: ccw(*fields))


@st.composite
def valid_extents(draw: st.DrawFn, blocks: int) -> tuple[bytes, bytes, int, int]:
    """A DEFINE EXTENT inside a disk of ``blocks`` blocks and a LOCATE inside that
    extent (a read, or a write when the file mask permits it): (extent, locate,
    the number of blocks located, the data command it locates for: READ X'42' or
    WRITE X'41')."""
    origin = draw(st.integers(0, blocks - 1))
    first = draw(st.sampled_from([0, 0, 5, 100]))
    last = first + draw(st.integers(0, blocks - 1 - origin))
    mask = draw(st.sampled_from([0xC0, 0x40, 0x00]))
    block = draw(st.integers(first, last))
    count = draw(st.integers(1, last - block + 1))
    operation = draw(st.sampled_from([0x06, 0x02] if mask == 0x40 else [0x06, 0x01, 0x05]))
    replication = count if operation == 0x02 else 0
    return (define_extent(mask, origin, first, last),
            locate(operation, count, block, replication), count,
            0x42 if operation in (0x06, 0x02) else 0x41)


@st.composite
def extents(draw: st.DrawFn, blocks: int) -> bytes:
    """DEFINE EXTENT parameters for a disk of ``blocks`` blocks, mostly wrong: file
    masks with reserved or invalid bits, an origin at or beyond the end of the disk,
    a last block before the first or beyond the disk; one time in ten any bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(min_size=16, max_size=16))
    mask = draw(st.sampled_from([0xC0, 0xC0, 0x40, 0x00, 0x80, 0x08, 0xC8]))
    origin = draw(st.sampled_from([0, 0, 1, 2, blocks - 1, blocks, 0x100, 0xFFFFFFFF]))
    first = draw(st.sampled_from([0, 0, 1, 100]))
    last = first + draw(st.sampled_from([-1, 0, 1, 3, blocks - 1 - origin, blocks - origin,
                                         0x7FFFFFFF]))
    return define_extent(mask, origin, first, max(last, 0))


@st.composite
def locates(draw: st.DrawFn, blocks: int) -> bytes:
    """LOCATE parameters for a disk of ``blocks`` blocks, mostly wrong: operations
    valid and not, counts of zero and of the whole disk, blocks at and beyond its
    end; one time in ten any bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(min_size=8, max_size=8))
    operation = draw(st.sampled_from([0x06, 0x06, 0x01, 0x01, 0x02, 0x05, 0x03, 0x26]))
    count = draw(st.sampled_from([1, 1, 2, 3, 0, blocks]))
    block = draw(st.sampled_from([0, 1, 2, 5, blocks - 2, blocks - 1, blocks, 100,
                                  0xFFFFFFFF]))
    replication = draw(st.sampled_from([0, 0, 1, 2]))
    return locate(operation, count, block, replication)


# ---------------------------------------------------------------------------
# Channel programs: a guest that starts one channel program on a device
# ---------------------------------------------------------------------------
# The devices the generated programs address (the configuration of
# conformance/test_channel_programs.py): a 3215 console, a 2540 reader with a deck,
# a 2540 punch, a 1403 printer and a 3370 disk of CHANNEL_DISK_BLOCKS blocks; and an
# address with no device (CC 3).
# Two more, drawn only when asked for (``device="3350"`` or ``"3420"``): a 3350 CKD
# disk of CKD_CYLINDERS cylinders whose tracks CKD_TRACKS hold records, and a 3420
# tape whose reel holds TAPE_BLOCKS.
CHANNEL_DEVICES = {"3215": 0x009, "2540R": 0x00C, "2540P": 0x00D, "1403": 0x00E,
                   "3370": 0x150, "none": 0x123, "3350": 0x190, "3420": 0x181}
CHANNEL_DISK_BLOCKS = 16
# Storage of a channel-program guest (64K; real addresses):
#   0-7F     restart new PSW (EC mode, X'400'); program new PSW: stop at X'E68';
#            I/O new PSW: the handler at X'300' (EC mode, disabled)
#   300-3FF  I/O handler: records the I/O address (186-187) and the CSW in the
#            interruption log, then waits again after a PCI-only interruption
#            (at most 8 times), or goes on after the program's end
#   400-7FF  the program: SSK of the data blocks, the CAW, SIO or SIOF, perhaps
#            HIO/HDV/CLRIO/TIO/TCH at once, the wait (enabled, or a TEST I/O loop
#            disabled), then up to three I/O instructions recorded, a disabled wait
#   800-8FF  data: the CAW, the device address, PSWs, the storage keys
#   A00-AFF  interruption log (16 bytes: I/O address, 0, 0, CSW at 8)
#   B00-BFF  results: BALR after each I/O instruction (ILC, CC, program mask and
#            address), and the CSW after it
#   1000-17FF channel program (CCWs at 1000, 1008, ...); IDAW lists at 1400;
#            DEFINE EXTENT and LOCATE parameters at 1600 and 1700
#   2000-7FFF data areas, filled with the EBCDIC letters A-H (a pattern), in
#            2K blocks whose keys are drawn (key, fetch protection)
CP_AT, IDAW_AT, DE_AT, LOC_AT, DATA_AT, DATA_END = 0x1000, 0x1400, 0x1600, 0x1700, 0x2000, \
    0x8000
CHANNEL_STORAGE = PROGRAM_STORAGE
_DATA_ADDRESSES = [0x2000, 0x2004, 0x2100, 0x27F8, 0x2800, 0x3000, 0x37FE, 0x4000, 0x7F80,
                   0xFFF0, 0xFFFF, 0x10000, 0x20000, 0xFFFFFF]
_COUNTS = [0, 1, 2, 8, 16, 24, 79, 80, 81, 126, 127, 132, 133, 256, 512, 513, 1024, 1536,
           0x7F8, 0xFFFF]
_COMMANDS = {
    "3215": [0x01, 0x09, 0x0A, 0x0B, 0x03, 0x04],
    "2540R": [0x02, 0x42, 0x82, 0xC2, 0x03, 0x04],
    "2540P": [0x01, 0x41, 0x81, 0xC1, 0x03, 0x04],
    "1403": [0x01, 0x09, 0x11, 0x19, 0x89, 0x91, 0xE1, 0xF9, 0x0B, 0x13, 0x8B, 0xE3,
             0x03, 0x04],
    "3370": [0x63, 0x43, 0x42, 0x41, 0x02, 0x03, 0x04],
    "none": [0x01, 0x02],
    # CKD (reference.io.ckd.CKDDevice): seeks, file mask, searches (and their
    # multitrack forms), reads, writes, sense
    "3350": [0x07, 0x0B, 0x1B, 0x13, 0x1F, 0x31, 0xB1, 0x51, 0x71, 0x29, 0xA9, 0x39,
             0x1A, 0x16, 0x12, 0x06, 0x86, 0x0E, 0x1E, 0x9E, 0x5E, 0x02, 0x05, 0x0D,
             0x1D, 0x11, 0x15, 0x19, 0x22, 0x23, 0xB4, 0x94, 0x03, 0x04],
    # 3420 (reference.io.tape.Tape3420)
    "3420": [0x01, 0x02, 0x0C, 0x1F, 0x17, 0x07, 0x37, 0x27, 0x3F, 0x2F, 0xC3, 0x03,
             0x04],
}
# The command codes each device type implements (coverage: conformance.coverage).
DEVICE_COMMANDS: dict[str, tuple[int, ...]] = {
    "3215": (0x01, 0x09, 0x0A, 0x0B, 0x03, 0x04),
    "2540R": (0x02, 0x42, 0x82, 0xC2, 0x03, 0x04),
    "2540P": (0x01, 0x41, 0x81, 0xC1, 0x03, 0x04),
    # writes spacing 0-3 lines, spaces at once, skips to channels 1-12 (write and control)
    "1403": (0x01, 0x09, 0x11, 0x19, 0x0B, 0x13, 0x1B,
             *(0x81 | ch << 3 for ch in range(1, 13)), *(0x83 | ch << 3 for ch in range(1, 13)),
             0x03, 0x04),
    "3370": (0x63, 0x43, 0x42, 0x41, 0x02, 0x03, 0x04),
    "3350": (0x07, 0x0B, 0x1B, 0x13, 0x1F, 0x23, 0x22,
             0x31, 0x51, 0x71, 0x29, 0x49, 0x69, 0x39,
             0xB1, 0xD1, 0xF1, 0xA9, 0xC9, 0xE9, 0xB9,
             0x1A, 0x16, 0x12, 0x06, 0x0E, 0x1E, 0x5E, 0x02,
             0x9A, 0x96, 0x92, 0x86, 0x8E, 0x9E,
             0x19, 0x15, 0x1D, 0x05, 0x0D, 0x11, 0xB4, 0x94, 0x04, 0x03),
    "3420": (0x01, 0x02, 0x0C, 0x1F, 0x17, 0x07, 0x0F, 0x37, 0x27, 0x3F, 0x2F, 0xC3, 0xCB,
             0xD3, 0x03, 0x04),
}


# The CKD volume and the tape reel of the CKD and tape programs (prepared by
# conformance/test_channel_programs.py): a 3350 of CKD_CYLINDERS cylinders whose
# tracks are empty (R0 only) but those of CKD_TRACKS, (cylinder, head) -> records
# (record number, key, data length), each record's data all X'C0' + its number; a
# 3420 reel of TAPE_BLOCKS (a block's bytes, or None: a tape mark).
CKD_CYLINDERS, CKD_HEADS = 2, 30
CKD_TRACKS: dict[tuple[int, int], list[tuple[int, bytes, int]]] = {
    (0, 2): [(1, b"KEY00001", 100), (2, b"", 50), (3, b"KEY00003", 0)],
    (0, 29): [(1, b"LASTHEAD", 40)],
    (1, 0): [(1, b"CYL1KEY1", 64), (2, b"CYL1KEY2", 16)],
}
TAPE_BLOCKS: list[bytes | None] = [b"\xC1" * 20, b"\xC2" * 80, None, b"\xC3" * 5, None]
# Parameters of the CKD programs: SEEK's BBCCHH, SEARCH ID's CCHHR, the file mask and
# the key of SEARCH KEY in the area at DE_AT; the count, key and data written by WRITE
# R0, WRITE CKD and ERASE at LOC_AT.
SEEK_AT, ID_AT, MASK_AT, KEY_AT, CKD_AT = DE_AT, DE_AT + 8, DE_AT + 16, DE_AT + 24, LOC_AT


def seek_address(cyl: int, head: int, bb: int = 0) -> bytes:
    """The 6 bytes of a CKD SEEK: BB CC HH."""
    return (bb.to_bytes(2, "big") + (cyl & 0xFFFF).to_bytes(2, "big")
            + (head & 0xFFFF).to_bytes(2, "big"))


def record_id(cyl: int, head: int, record: int) -> bytes:
    """The 5 bytes of SEARCH ID: CC HH R."""
    return (cyl & 0xFFFF).to_bytes(2, "big") + (head & 0xFFFF).to_bytes(2, "big") + \
        bytes([record & 0xFF])


def count_field(cyl: int, head: int, record: int, key_length: int, data_length: int) -> bytes:
    """The 8-byte count of a CKD record: CC HH R KL DL DL."""
    return record_id(cyl, head, record) + bytes([key_length]) + \
        (data_length & 0xFFFF).to_bytes(2, "big")


Chain = list[tuple[int, int, int, int]]
_CKD_READS = [0x06, 0x06, 0x0E, 0x1E, 0x86, 0x9E, 0x5E, 0x12, 0x16, 0x1A]
_CKD_WRITES = [0x05, 0x05, 0x0D, 0x1D, 0x1D, 0x11]
_SEARCH_IDS = [0x31, 0x31, 0x31, 0x51, 0x71, 0xB1]


@st.composite
def ckd_chains(draw: st.DrawFn) -> tuple[Chain, bytes, bytes]:
    """A CKD channel program for the volume of CKD_TRACKS, and its parameters (the
    bytes at DE_AT and at LOC_AT): a SEEK (now and then SEEK CYLINDER or SEEK HEAD,
    an address beyond the volume or with BB nonzero), perhaps SET FILE MASK (masks
    that permit, inhibit and are invalid), then a search and a TIC back to it
    (SEARCH ID EQUAL, HIGH, HIGH OR EQUAL, multitrack; SEARCH KEY EQUAL; SEARCH HOME
    ADDRESS to format the track), then a read (READ DATA, KEY AND DATA, COUNT KEY
    AND DATA, COUNT, R0, HA, MULTIPLE CKD, multitrack forms), a write (WRITE DATA,
    KEY AND DATA, CKD, ERASE; WRITE R0 and CKD after SEARCH HA) or SENSE."""
    track = draw(st.sampled_from([*CKD_TRACKS] * 4 + [(0, 5), (1, 29), (CKD_CYLINDERS, 0),
                                                     (0, CKD_HEADS)]))
    cyl, head = track
    bb = 1 if draw(st.integers(0, 15)) == 0 else 0
    shape = draw(st.sampled_from(["read", "read", "write", "write", "key", "format",
                                  "multitrack"]))
    mask = draw(st.sampled_from([0xC0] * 6 + [0x00, 0x80, 0x40, 0x18, 0x20]
                                if shape in ("write", "format") else
                                [0xC0, 0x00, 0x00, 0x80, 0x40, 0x18, 0x20]))
    records = CKD_TRACKS.get(track, [])
    number = draw(st.sampled_from([r for r, _, _ in records] * 3 + [0, 4]))
    key, dl = next(((k, d) for r, k, d in records if r == number), (b"", 8))
    search_head = head
    if shape == "multitrack":
        search_head = draw(st.sampled_from([head, head + 1, 29, 0]))
    kl = draw(st.sampled_from([len(key), len(key), 0, 8]))
    new_dl = draw(st.sampled_from([dl, 0, 16, 100]))
    body = bytes([0xD0 + number & 0xFF]) * new_dl
    seek = draw(st.sampled_from([0x07, 0x07, 0x07, 0x07, 0x0B, 0x1B]))
    chain: Chain = [(seek, SEEK_AT, CC, 6)]
    if shape in ("write", "format") or draw(st.booleans()):
        chain.append((0x1F, MASK_AT, CC, 1))
    search_at = CP_AT + 8 * len(chain)
    data_at = draw(st.sampled_from(_DATA_ADDRESSES[:8]))
    last = draw(st.sampled_from([0, 0, SLI, SLI, CC]))
    write_data = count_field(cyl, head, number, kl, new_dl) + key[:kl].ljust(kl, b"\xE7") \
        + body
    if shape == "format":
        chain += [(0x39, SEEK_AT + 2, CC, 4), (0x08, search_at, 0, 0),
                  (0x15, CKD_AT, CC, 16), (0x1D, CKD_AT + 16, last, len(write_data))]
        data = count_field(cyl, head, 0, 0, 8) + bytes(8) + write_data
    elif shape == "key":
        chain += [(draw(st.sampled_from([0x29, 0x29, 0xA9])), KEY_AT, CC, 8),
                  (0x08, search_at, 0, 0),
                  (draw(st.sampled_from([0x06, 0x06, 0x05])), data_at, last, dl)]
        data = write_data
    else:
        search = 0xB1 if shape == "multitrack" else draw(st.sampled_from(_SEARCH_IDS))
        chain += [(search, ID_AT, CC, 5), (0x08, search_at, 0, 0)]
        if shape == "write":
            command = draw(st.sampled_from(_CKD_WRITES))
            if command in (0x1D, 0x11):
                chain.append((command, CKD_AT, last, len(write_data)))
            else:
                count = new_dl + (kl if command == 0x0D else 0)
                chain.append((command, CKD_AT + 8 if command == 0x0D else CKD_AT + 8 + kl,
                              last, count or 1))
        else:
            command = draw(st.sampled_from(_CKD_READS))
            count = draw(st.sampled_from([dl or 1, 8 + len(key) + dl, 8, 80, 512]))
            chain.append((command, data_at, last, count))
        data = write_data
    if last & CC:
        chain.append((0x04, data_at + 0x400, draw(st.sampled_from([0, SLI])),
                      draw(st.sampled_from([24, 6, 32]))))
    parameters = (seek_address(cyl, head, bb) + bytes(2)
                  + record_id(cyl, search_head, number) + bytes(3)
                  + bytes([mask]) + bytes(7) + key.ljust(8, b"\x00"))
    return chain, parameters, data[:0x100]


@st.composite
def tape_chains(draw: st.DrawFn) -> Chain:
    """A 3420 channel program of 1-5 commands, command chained: WRITE (1 byte to 2K),
    READ (counts shorter and longer than the blocks of TAPE_BLOCKS, SLI now and
    then), READ BACKWARD (its data address the last byte of the area), WRITE TAPE
    MARK, ERASE GAP, REWIND (now and then REWIND UNLOAD), FORWARD SPACE BLOCK and
    FILE, BACKSPACE BLOCK and FILE, MODE SET, NO-OPERATION, SENSE."""
    n = draw(st.integers(1, 5))
    chain: Chain = []
    for i in range(n):
        command = draw(st.sampled_from([*_COMMANDS["3420"], 0x01, 0x02, 0x02, 0x0C, 0x07,
                                        0x27, 0x0F if draw(st.integers(0, 7)) == 0 else 0x03]))
        flags = (CC if i < n - 1 else 0) | draw(st.sampled_from([0, 0, SLI]))
        data = draw(st.sampled_from(_DATA_ADDRESSES[:8]))
        if command in (0x01, 0x02, 0x0C):
            count = draw(st.sampled_from([1, 5, 20, 21, 80, 256, 0x7F8]))
            if command == 0x0C:
                data += count - 1
        elif command == 0x04:
            count = draw(st.sampled_from([24, 24, 8, 32]))
        else:
            data, count = 0, 1
        chain.append((command, data, flags, count))
    return chain


@st.composite
def _disk_parameters(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """DEFINE EXTENT and LOCATE parameters for the disk of CHANNEL_DISK_BLOCKS
    blocks: half of the time both valid, otherwise near misses or anything."""
    if draw(st.booleans()):
        extent, where, _, _ = draw(valid_extents(CHANNEL_DISK_BLOCKS))
        return extent, where
    return draw(extents(CHANNEL_DISK_BLOCKS)), draw(locates(CHANNEL_DISK_BLOCKS))


@st.composite
def _program_ccw(draw: st.DrawFn, kind: str, index: int, length: int,
                 flags_allowed: int | None = None) -> tuple[int, int, int, int]:
    """One CCW (command, data address, flags, count) of a generated program: a
    command of the device, any byte, or a TIC (flags of ``flags_allowed``)."""
    what = draw(st.sampled_from(["device"] * 6 + ["any", "tic", "tic"] if index else
                                ["device"] * 6 + ["any", "tic"]))
    if what == "tic":
        command = draw(st.sampled_from([0x08, 0x18, 0xF8]))      # TIC: low bits 1000
        target = draw(st.sampled_from(
            [CP_AT + 8 * draw(st.integers(0, length)), CP_AT + 4, 0xFFF8, 0x10000]))
        return command, target, draw(st.sampled_from([0, 0, 0x40, 0x01])), \
            draw(st.sampled_from([0, 1, 8]))
    command, data, flags, count = draw(ccw_fields(
        _COMMANDS[kind] if what == "device" else None, _DATA_ADDRESSES, _COUNTS,
        flags_allowed))
    if command == 0x63:
        data, count = DE_AT, draw(st.sampled_from([16, 16, 16, 8, 20]))
    elif command == 0x43:
        data, count = LOC_AT, draw(st.sampled_from([8, 8, 8, 4, 12]))
    if flags & IDA:
        data = IDAW_AT + 4 * draw(st.integers(0, 3)) + draw(st.sampled_from([0] * 7 + [2]))
    return command, data, flags, count


@st.composite
def channel_programs(draw: st.DrawFn, device: str | None = None, length: int | None = None,
                     wait: str | None = None, caw_key: int | None = None,
                     flags_allowed: int | None = None) -> str:
    """The assembler source of a guest that starts one channel program on one of the
    devices of ``CHANNEL_DEVICES`` (``device``: 3215, 2540R, 2540P, 1403, 3370, or
    none, an address with no device; 3350 and 3420 only when given) and waits for
    its end (storage map above).

    The channel program has ``length`` CCWs (1-5): commands of the device, any other
    byte (invalid ones among them: four low-order zeros), TIC (to a CCW of the
    program, to a TIC, misaligned, beyond storage; first in the program too); flags
    CD, CC, SLI, SKIP, PCI, IDA and now and then bits 38-39; counts from zero to
    X'FFFF'; data addresses in the data areas, across 2K and page boundaries and
    beyond the 64K of storage.  For the disk, mostly a DEFINE EXTENT and LOCATE
    whose parameters fit a disk of CHANNEL_DISK_BLOCKS blocks (sometimes not), then
    READ or WRITE; for the CKD disk and the tape, mostly ``ckd_chains`` and
    ``tape_chains``.  IDAW lists with valid and invalid IDAWs (not on a 2K boundary
    after the first, nonzero bits 0-7, beyond storage).  The CAW key is
    ``caw_key``; the storage keys of the data blocks are drawn (with fetch
    protection); now and then the CAW is invalid (bits 4-7, an odd or out-of-storage
    command address).

    The guest starts it with START I/O or START I/O FAST RELEASE, perhaps issues
    HALT I/O, HALT DEVICE, CLEAR I/O, TEST I/O or TEST CHANNEL at once, waits
    (``wait``: ``interrupt``, an enabled wait whose I/O interruptions the handler
    records, or ``tio``, a TEST I/O loop with I/O interruptions disabled), then
    issues up to three I/O instructions, each recorded with its CSW, and ends in a
    disabled wait.  Assemble it with ``reference.asm.assembler.assemble``.
    ``flags_allowed``: the CCW flags the program's commands may have (a mask of
    CD, CC, SLI, SKIP, PCI and IDA; None: all of them)."""
    if device is None:
        device = draw(st.sampled_from(["3215", "2540R", "2540P", "1403", "3370", "3370",
                                       "none"]))
    if wait is None:
        wait = draw(st.sampled_from(["interrupt", "interrupt", "tio"]))
    if caw_key is None:
        caw_key = draw(st.sampled_from([0, 0, 0, 1, 3, 15]))
    address = CHANNEL_DEVICES[device]
    de, loc = draw(_disk_parameters())
    if device == "3350" and draw(st.integers(0, 3)) > 0:
        # A CKD chain: SEEK, SET FILE MASK, a search and TIC, a read or write.
        chain, de, loc = draw(ckd_chains())
    elif device == "3420" and draw(st.integers(0, 3)) > 0:
        chain = draw(tape_chains())
    elif device == "3370" and draw(st.integers(0, 3)) > 0:
        # A disk chain: DEFINE EXTENT, LOCATE, READ or WRITE (maybe data chained).
        n = draw(st.integers(0, 2)) if length is None else max(0, length - 3)
        command = 0x41 if loc[0] in (0x01, 0x05) else 0x42
        if draw(st.integers(0, 5)) == 0:
            command ^= 0x03                              # READ for WRITE, or back
        chain = [(0x63, DE_AT, 0x40, 16), (0x43, LOC_AT, 0x40, 8)]
        blocks = int.from_bytes(loc[2:4], "big")
        count = draw(st.sampled_from([512 * blocks] * 4 + [512, 256, 1536, 100]))
        count = count & 0xFFFF or 512
        flags = draw(st.sampled_from([0, 0, 0x20, 0x80 if n else 0, 0x04, 0x08]))
        data = IDAW_AT if flags & 0x04 else draw(st.sampled_from(_DATA_ADDRESSES[:10]))
        chain.append((command, data, flags, count))
        chain += [draw(_program_ccw(device, 3 + i, 3 + n)) for i in range(n)]
    else:
        n = draw(st.integers(1, 5)) if length is None else length
        chain = [draw(_program_ccw(device, i, n, flags_allowed)) for i in range(n)]
    idaws = [draw(st.sampled_from([0x2000, 0x2100, 0x2800, 0x3000, 0x3800, 0x2900, 0x7800,
                                   0xF800, 0x10000, 0x01002000]))
             for _ in range(8)]
    keys = [draw(st.sampled_from([0x00, 0x00, 0x00, 0x10, 0x18, 0x30, 0xF0, 0xF8]))
            for _ in range((DATA_END - CP_AT) >> 11)]
    if draw(st.integers(0, 3)):
        keys[0] = keys[1] = 0       # the CCWs, IDAWs and disk parameters: mostly key 0
    caw = (caw_key << 28) | CP_AT
    if draw(st.integers(0, 11)) == 0:
        caw = draw(st.sampled_from([caw | 0x01000000, caw | 4, (caw_key << 28) | 0x10000,
                                    (caw_key << 28) | (CP_AT + 8)]))
    start = draw(st.sampled_from(["SIO", "SIO", "SIOF"]))
    at_once = [draw(st.sampled_from(["HIO", "HDV", "CLRIO", "TIO", "TCH"]))
               for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2])))]
    after = [draw(st.sampled_from(["TIO", "TCH", "HIO", "HDV", "CLRIO", "STIDC", "SIO"]))
             for _ in range(draw(st.integers(0, 3)))]

    def instruction(mnemonic: str) -> list[str]:
        # R3: the device address; the BALR word and the CSW go to the results (R7).
        operand = "0(3)" if mnemonic != "TCH" and mnemonic != "STIDC" else "0(4)"
        return [f"         {mnemonic:5} {operand}", "         BALR  15,0",
                "         ST    15,0(0,7)", "         MVC   8(8,7),X'40'(0)",
                "         LA    7,16(0,7)"]

    lines = ["T        START 0",
             "         DC    X'00080000',A(X'400')     restart: EC mode, disabled",
             "         ORG   T+X'68'",
             "         DC    X'000A0000',A(X'E68')     program: stop",
             "         ORG   T+X'78'",
             "         DC    X'00080000',A(X'300')     I/O: the handler",
             "         ORG   T+X'300'",
             "IOH      MVC   0(2,9),X'BA'(0)           I/O address",
             "         MVC   8(8,9),X'40'(0)           CSW",
             "         LA    9,16(0,9)",
             "         CLI   X'44'(0),0                unit status: the end",
             "         BNE   AFTER-T(0,0)",
             "         TM    X'45'(0),X'7F'            channel status other than PCI",
             "         BNZ   AFTER-T(0,0)",
             "         BCT   8,WAIT-T(0,0)             a PCI: wait again (8 times)",
             "         B     AFTER-T(0,0)",
             "         ORG   T+X'400'",
             "         LA    9,X'A00'(0)               R9: interruption log",
             "         LA    7,X'B00'(0)               R7: results",
             "         LA    8,8(0)",
             "         L     3,X'804'(0)               R3: the device",
             "         LR    4,3                       R4: its channel",
             "         N     4,X'808'(0)"]
    lines += [f"         LA    6,X'{CP_AT >> 1:X}'(0)             R6: the blocks, from CP_AT"]
    for i in range(len(keys)):
        lines += [f"         IC    5,X'{0x820 + i:03X}'(0)",
                  "         LA    6,X'800'(0,6)",
                  "         SSK   5,6"]
    lines += ["         MVC   X'48'(4,0),X'800'(0)      CAW"]
    lines += instruction(start)
    lines += ["         BC    7,AFTER-T(0,0)            not started"]
    for mnemonic in at_once:
        lines += instruction(mnemonic)
    if wait == "interrupt":
        lines += ["WAIT     LPSW  X'810'(0)                 enabled wait (I/O)"]
    else:
        lines += ["WAIT     TIO   0(3)",
                  "         BC    2,WAIT-T(0,0)             CC 2: working",
                  "         BALR  15,0",
                  "         ST    15,0(0,7)",
                  "         MVC   8(8,7),X'40'(0)",
                  "         LA    7,16(0,7)"]
    lines += ["AFTER    DS    0H"]
    for mnemonic in after:
        lines += instruction(mnemonic)
    lines += ["         LPSW  X'818'(0)                 the end"]
    lines += ["         ORG   T+X'800'",
              f"         DC    X'{caw:08X}'               CAW",
              f"         DC    X'{address:08X}'               device",
              "         DC    X'0000FF00'               channel mask",
              "         DS    F",
              "         DC    X'020A0000',A(0)          wait, I/O enabled",
              "         DC    X'000A0000',A(0)          the end",
              "         DC    X'" + "".join(f"{k:02X}" for k in keys) + "'   storage keys",
              f"         ORG   T+X'{CP_AT:X}'"]
    for command, data, flags, count in chain:
        lines.append(f"         DC    X'{ccw(command, data, flags, count).hex().upper()}'")
    lines += [f"         ORG   T+X'{IDAW_AT:X}'"]
    lines += [f"         DC    X'{a & 0xFFFFFFFF:08X}'" for a in idaws]
    lines += [f"         ORG   T+X'{DE_AT:X}'", f"         DC    X'{de.hex().upper()}'",
              f"         ORG   T+X'{LOC_AT:X}'", f"         DC    X'{loc.hex().upper()}'",
              f"         ORG   T+X'{DATA_AT:X}'",
              f"         DC    {(DATA_END - DATA_AT) // 8}X'C1C2C3C4C5C6C7C8'",
              "         END"]
    return "\n".join(lines) + "\n"
