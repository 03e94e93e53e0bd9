"""Count-key-data disks (reference/io/ckd.py) through the channel.

Channel programs are CCWs at X'800' started by START I/O; their arguments and
data areas are at X'1000' and above.  CSW (GA22-7000 ch.12): byte 4 unit status
(X'40' status modifier, X'08' channel end, X'04' device end, X'02' unit check,
X'01' unit exception), byte 5 channel status (X'40' incorrect length), bytes 6-7
the residual count; the CCW address is the last CCW used + 8.

CKD facts used for the expected values (the device's docstring cites them):
a track is HA (flag, CCHH), R0, R1..Rn, end of track; SEEK takes BBCCHH; SEARCH
ID compares CCHHR with the next count field, a satisfied search presents status
modifier so that the channel skips the TIC that follows it; sense byte 0 X'80'
command reject, X'10' equipment check, X'01' seek check; sense byte 1 X'40'
invalid track format, X'20' end of cylinder, X'10' invalid sequence (2311/2314),
X'08' no record found, X'04' file protected, X'02' write inhibited.  Program
errors (IBM 2025 Maintenance Manual, 2311 sense table): an invalid seek address
is command reject with seek check; a write the file mask inhibits is command
reject with file protected; a command out of sequence is command reject with
invalid sequence.

"""

from __future__ import annotations

import pytest

from conformance.strategies import ccw
from reference.io import dasd
from reference.io.channel import ChannelSubsystem
from reference.io.ckd import CKDDevice
from reference.io.ckd_geometry import GEOMETRIES, Geometry
from reference.io.dasd import TrackError
from reference.machine.instructions import io
from reference.machine.machine import Machine
from tests.support import ins, make_machine

CAW, CSW = 0x48, 0x40
CCWS = 0x800
ARG = 0x1000        # seek and search arguments
BUF = 0x2000        # data areas
DEV = 0x190
EOT = b"\xff" * 8

CC, SLI, CD = 0x40, 0x20, 0x80
CE_DE_UC = 0x0E
CE_DE_SM = 0x4C
IL = 0x40           # channel status: incorrect length


# ---------------------------------------------------------------------------
# An in-memory volume in Hercules' track format
# ---------------------------------------------------------------------------
def count(c: int, h: int, r: int, kl: int, dl: int) -> bytes:
    return c.to_bytes(2, "big") + h.to_bytes(2, "big") + bytes([r, kl]) + dl.to_bytes(2, "big")


def track(c: int, h: int, records: list[tuple[int, bytes, bytes]]) -> bytes:
    """HA, R0 (8 data bytes of zeros, as dasdinit writes it), the records, EOT."""
    out = bytes([0]) + c.to_bytes(2, "big") + h.to_bytes(2, "big")
    out += count(c, h, 0, 0, 8) + bytes(8)
    for r, key, data in records:
        out += count(c, h, r, len(key), len(data)) + key + data
    return out + EOT


class MemVolume:
    def __init__(self, type_name: str = "3330", cylinders: int = 3, heads: int = 3,
                 readonly: bool = False) -> None:
        self.geometry: Geometry = GEOMETRIES[type_name]
        self.cylinders = cylinders
        self.heads = heads
        self.readonly = readonly
        self.tracks: dict[tuple[int, int], bytes] = {}
        self.bad: set[tuple[int, int]] = set()

    def read_track(self, cyl: int, head: int) -> bytes:
        if (cyl, head) in self.bad:
            raise TrackError("corrupt track")
        return self.tracks.get((cyl, head)) or track(cyl, head, [])

    def write_track(self, cyl: int, head: int, data: bytes) -> None:
        self.tracks[(cyl, head)] = data

    def records(self, cyl: int, head: int) -> list[tuple[int, bytes, bytes]]:
        """(R, key, data) of every record on a track, R0 included."""
        t = self.read_track(cyl, head)
        out, at = [], 5
        while t[at:at + 8] != EOT:
            kl, dl = t[at + 5], int.from_bytes(t[at + 6:at + 8], "big")
            out.append((t[at + 4], t[at + 8:at + 8 + kl], t[at + 8 + kl:at + 8 + kl + dl]))
            at += 8 + kl + dl
        return out


def standard_volume(**kw: object) -> MemVolume:
    """Cylinder 0: head 0 R1-R3 (keys KEY1-KEY3, data 20 bytes of R), head 2 R7."""
    v = MemVolume(**kw)  # type: ignore[arg-type]
    v.tracks[(0, 0)] = track(0, 0, [(r, b"KEY%d" % r, bytes([r]) * 20) for r in (1, 2, 3)])
    v.tracks[(0, 2)] = track(0, 2, [(7, b"KEY7", b"\x77" * 30)])
    return v


# ---------------------------------------------------------------------------
# Running channel programs
# ---------------------------------------------------------------------------
def seek_arg(c: int, h: int) -> bytes:
    return bytes(2) + c.to_bytes(2, "big") + h.to_bytes(2, "big")


def run(device: CKDDevice, ccws: list[bytes], data: dict[int, bytes] | None = None,
        m: Machine | None = None) -> tuple[Machine, tuple[int, int, int, int]]:
    """Start the channel program and wait for its end: (machine, (CCW address,
    unit status, channel status, residual count))."""
    if m is None:
        m = make_machine(b"")
        channels = ChannelSubsystem(m)
        channels.attach(DEV, device)
        m.channels = channels
    m.mem[CCWS:CCWS + 8 * len(ccws)] = b"".join(ccws)
    for address, blob in (data or {}).items():
        m.mem[address:address + len(blob)] = blob
    m.mem[CAW:CAW + 4] = CCWS.to_bytes(4, "big")
    io.start_io(m, 0, DEV)
    if m.cc == 0:
        for _ in range(100_000):
            if not m.channels.subchannels[DEV].working:
                break
            m.idle_us += 1
            m.channels.advance(m.now())
        io.test_io(m, 0, DEV)
    c = bytes(m.mem[CSW:CSW + 8])
    return m, (int.from_bytes(c[1:4], "big"), c[4], c[5], int.from_bytes(c[6:8], "big"))


def at(n: int) -> int:
    """The CSW's CCW address when CCW number ``n`` (from 0) was the last used."""
    return CCWS + 8 * n + 8


def sense(device: CKDDevice, m: Machine) -> bytes:
    """The sense bytes, read by a SENSE command."""
    n = device.sense_length
    run(device, [ccw(0x04, BUF + 0x800, 0, n)], m=m)
    return bytes(m.mem[BUF + 0x800:BUF + 0x800 + n])


def seek_ccw(flags: int = CC) -> bytes:
    return ccw(0x07, ARG, flags, 6)


def mem(m: Machine, address: int, n: int) -> bytes:
    return bytes(m.mem[address:address + n])


# ---------------------------------------------------------------------------
# Device types
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name,sense_bytes", [("2311", 6), ("2314", 6), ("3330", 24),
                                              ("3330-11", 24), ("3340", 24),
                                              ("3350", 24), ("3380", 24)])
def test_each_type_has_its_name_and_sense_length(name, sense_bytes):
    # 2841 and 2314 controls give 6 sense bytes, the 3830 and 3880 give 24.
    d = CKDDevice(MemVolume(name))
    assert d.type_name == name and d.sense_length == sense_bytes


# ---------------------------------------------------------------------------
# Seeks
# ---------------------------------------------------------------------------
def test_seek_and_read_home_address():
    # READ HA: the 5 bytes flag, CC, HH of the track sought (cylinder 1 head 2).
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x1A, BUF, 0, 5)], {ARG: seek_arg(1, 2)})
    assert csw == (at(1), 0x0C, 0x00, 0)
    assert mem(m, BUF, 5) == bytes.fromhex("0000010002")


def test_invalid_seek_address_is_command_reject_with_seek_check():
    # 3 cylinders (0-2), 3 heads: cylinder 3 and head 3 are beyond the volume;
    # BB must be zero.  Sense byte 0: X'80' | X'01'.
    d = CKDDevice(standard_volume())
    for arg in (seek_arg(3, 0), seek_arg(0, 3), bytes.fromhex("000100000000")):
        m, csw = run(d, [seek_ccw(0)], {ARG: arg})
        assert csw == (at(0), CE_DE_UC, 0, 0)
        s = sense(d, m)
        assert s[0] == 0x81 and s[1] == 0


def test_seek_with_a_short_argument_is_command_reject():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0x07, ARG, SLI, 4)], {ARG: seek_arg(0, 0)})
    assert csw[1] == CE_DE_UC and sense(d, m)[0] == 0x80


def test_seek_head_keeps_the_cylinder_and_recalibrate_goes_to_zero():
    d = CKDDevice(standard_volume())
    m, _ = run(d, [seek_ccw(), ccw(0x1B, ARG + 8, CC, 6), ccw(0x1A, BUF, 0, 5)],
               {ARG: seek_arg(2, 0), ARG + 8: seek_arg(0, 1)})
    assert mem(m, BUF, 5) == bytes.fromhex("0000020001")
    m, csw = run(d, [ccw(0x13, 0, CC, 1), ccw(0x1A, BUF, 0, 5)])
    assert csw == (at(1), 0x0C, 0, 0) and mem(m, BUF, 5) == bytes(5)


def test_unknown_command_is_command_reject_in_the_initial_status():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0xDE, BUF, 0, 8)])
    assert csw == (at(0), 0x02, 0, 8) and sense(d, m)[0] == 0x80


# ---------------------------------------------------------------------------
# Searches
# ---------------------------------------------------------------------------
def search_loop(search: int, arg_len: int, read: list[bytes]) -> list[bytes]:
    """SEEK; SEARCH; TIC back to the search; the reads that follow."""
    return [seek_ccw(), ccw(search, ARG + 8, CC, arg_len), ccw(0x08, CCWS + 8, 0, 1)] + read


def test_search_id_equal_loop_finds_the_record_and_read_data_reads_it():
    # The search compares R0, R1, R2 (no), R3 (yes: status modifier, the TIC is
    # skipped), READ DATA reads R3's 20 bytes.
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x31, 5, [ccw(0x06, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5]})
    assert csw == (at(3), 0x0C, 0, 0)
    assert mem(m, BUF, 20) == b"\x03" * 20


def test_search_id_can_find_record_zero_and_read_r0_reads_it():
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x31, 5, [ccw(0x16, BUF, 0, 16)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 0, 0, 0)[:5]})
    assert csw == (at(3), 0x0C, 0, 0)
    assert mem(m, BUF, 16) == count(0, 0, 0, 0, 8) + bytes(8)


def test_search_key_equal_loop_and_read_data():
    # SEARCH KEY skips R0 (no key); KEY2 matches R2.
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x29, 4, [ccw(0x06, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: b"KEY2"})
    assert csw == (at(3), 0x0C, 0, 0) and mem(m, BUF, 20) == b"\x02" * 20


def test_search_key_on_a_record_without_a_key_is_a_short_block():
    # R1 has no key: the search ends, not satisfied, before the channel sends
    # its argument: a short block on output, incorrect length (GA22-7000 ch.12),
    # and the chain ends at the search.
    v = MemVolume()
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", b"NOKEY"), (2, b"KEYB", b"FOUND")])
    d = CKDDevice(v)
    m, csw = run(d, search_loop(0x29, 4, [ccw(0x06, BUF, 0, 5)]),
                 {ARG: seek_arg(0, 0), ARG + 8: b"KEYB"})
    assert csw == (at(1), 0x0C, IL, 4) and mem(m, BUF, 5) == bytes(5)


def test_search_key_loop_with_sli_passes_records_without_a_key():
    # SLI suppresses the incorrect length, so command chaining goes on: the TIC
    # returns to the search, which finds R2's key.
    v = MemVolume()
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", b"NOKEY"), (2, b"KEYB", b"FOUND")])
    d = CKDDevice(v)
    prog = [seek_ccw(), ccw(0x29, ARG + 8, CC | SLI, 4), ccw(0x08, CCWS + 8, 0, 1),
            ccw(0x06, BUF, 0, 5)]
    m, csw = run(d, prog, {ARG: seek_arg(0, 0), ARG + 8: b"KEYB"})
    assert csw == (at(3), 0x0C, 0, 0) and mem(m, BUF, 5) == b"FOUND"


@pytest.mark.parametrize("code,arg_r,found", [
    (0x51, 1, 2),     # HIGH: the first record whose CCHHR is above 00000 00001: R2
    (0x71, 2, 2),     # HIGH OR EQUAL: R2 itself
    (0x71, 0, 0),     # ... R0 equals CCHHR 0000000000
])
def test_search_id_high_and_high_or_equal(code, arg_r, found):
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(code, 5, [ccw(0x12, BUF, 0, 8)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, arg_r, 0, 0)[:5]})
    # After the search on record n, READ COUNT reads the count of the next one.
    assert csw == (at(3), 0x0C, 0, 0)
    assert mem(m, BUF, 8)[4] == found + 1


def test_search_key_high():
    # KEY2 < KEY3: SEARCH KEY HIGH with argument KEY2 is satisfied on R3.
    d = CKDDevice(standard_volume())
    m, _ = run(d, search_loop(0x49, 4, [ccw(0x06, BUF, 0, 20)]),
               {ARG: seek_arg(0, 0), ARG + 8: b"KEY2"})
    assert mem(m, BUF, 20) == b"\x03" * 20


def test_a_single_unsatisfied_search_ends_normally():
    d = CKDDevice(standard_volume())
    _, csw = run(d, [seek_ccw(), ccw(0x31, ARG + 8, 0, 5)],
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5]})
    assert csw == (at(1), 0x0C, 0, 0)     # R0 compared: not equal, no status modifier
    _, csw = run(d, [seek_ccw(), ccw(0x31, ARG + 8, 0, 5)],
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 0, 0, 0)[:5]})
    assert csw == (at(1), CE_DE_SM, 0, 0)


def test_no_record_found_after_two_index_points():
    # R9 is not on the track: R0..R3, index, R0..R3, second index: unit check,
    # no record found; the chain ends at the search, whose argument was never
    # sent (a short block: incorrect length).
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x31, 5, [ccw(0x06, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 9, 0, 0)[:5]})
    assert csw == (at(1), CE_DE_UC, IL, 5)
    s = sense(d, m)
    assert s[0] == 0 and s[1] == 0x08
    # 3330 sense bytes 5-6: cylinder 0, head 0 (in the low bits of byte 6).
    assert s[5:7] == bytes(2)


def test_search_key_for_a_missing_key_is_no_record_found():
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x29, 4, []), {ARG: seek_arg(0, 0), ARG + 8: b"KEY9"})
    assert csw[1] == CE_DE_UC and sense(d, m)[1] == 0x08


def test_multitrack_search_crosses_heads():
    # R7 is on head 2: SEARCH ID EQUAL MT (X'B1') from head 0 goes on to heads 1
    # and 2 at each index point.
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0xB1, 5, [ccw(0x06, BUF, 0, 30)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 2, 7, 0, 0)[:5]})
    assert csw == (at(3), 0x0C, 0, 0) and mem(m, BUF, 30) == b"\x77" * 30


def test_multitrack_search_ends_at_end_of_cylinder():
    # A record on no track of cylinder 0: after the last head (2) unit check,
    # end of cylinder; the sense shows head 2.
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0xB1, 5, []),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 1, 9, 0, 0)[:5]})
    assert csw == (at(1), CE_DE_UC, IL, 5)
    s = sense(d, m)
    assert s[1] == 0x20 and s[6] & 0x1F == 2


def test_multitrack_key_search_crosses_heads():
    d = CKDDevice(standard_volume())
    m, _ = run(d, search_loop(0xA9, 4, [ccw(0x06, BUF, 0, 30)]),
               {ARG: seek_arg(0, 0), ARG + 8: b"KEY7"})
    assert mem(m, BUF, 30) == b"\x77" * 30


def test_search_home_address_equal_and_its_multitrack_form():
    d = CKDDevice(standard_volume())
    _, csw = run(d, [seek_ccw(), ccw(0x39, ARG + 8, 0, 4)],
                 {ARG: seek_arg(0, 1), ARG + 8: bytes.fromhex("00000001")})
    assert csw == (at(1), CE_DE_SM, 0, 0)
    # Multitrack: from head 0 it moves to head 1 first, then compares.
    _, csw = run(d, [seek_ccw(), ccw(0xB9, ARG + 8, 0, 4)],
                 {ARG: seek_arg(0, 0), ARG + 8: bytes.fromhex("00000001")})
    assert csw == (at(1), CE_DE_SM, 0, 0)
    # A search/TIC loop for a home address not on the track ends at the second
    # index point: no record found.
    m, csw = run(d, search_loop(0x39, 4, []),
                 {ARG: seek_arg(0, 1), ARG + 8: bytes.fromhex("00000002")})
    assert csw == (at(1), CE_DE_UC, IL, 4) and sense(d, m)[1] == 0x08


def test_search_argument_longer_than_the_field_is_incorrect_length_unless_sli():
    # SEARCH ID takes 5 bytes: a count of 8 leaves 3 (incorrect length).
    d = CKDDevice(standard_volume())
    _, csw = run(d, [seek_ccw(), ccw(0x31, ARG + 8, 0, 8)],
                 {ARG: seek_arg(0, 0), ARG + 8: bytes(8)})
    assert csw == (at(1), CE_DE_SM, 0x40, 3)
    _, csw = run(d, [seek_ccw(), ccw(0x31, ARG + 8, SLI, 8)],
                 {ARG: seek_arg(0, 0), ARG + 8: bytes(8)})
    assert csw == (at(1), CE_DE_SM, 0x00, 3)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------
def test_read_count_key_and_data_in_order_skipping_r0():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x12, BUF, CC, 8), ccw(0x0E, BUF + 8, CC, 24),
                     ccw(0x1E, BUF + 32, 0, 32)], {ARG: seek_arg(0, 0)})
    assert csw == (at(3), 0x0C, 0, 0)
    assert mem(m, BUF, 8) == count(0, 0, 1, 4, 20)
    assert mem(m, BUF + 8, 24) == b"KEY1" + b"\x01" * 20         # R1's key and data
    assert mem(m, BUF + 32, 32) == count(0, 0, 2, 4, 20) + b"KEY2" + b"\x02" * 20


def test_read_data_length_mismatch_is_incorrect_length_unless_sli():
    # R1 has 20 data bytes: count 10 stores 10 (residual 0, IL); count 30 stores 20
    # (residual 10, IL); with SLI neither is indicated.
    d = CKDDevice(standard_volume())
    for flags, n, channel, residual in ((0, 10, 0x40, 0), (0, 30, 0x40, 10),
                                        (SLI, 10, 0, 0), (SLI, 30, 0, 10)):
        _, csw = run(d, [seek_ccw(), ccw(0x06, BUF, flags, n)], {ARG: seek_arg(0, 0)})
        assert csw == (at(1), 0x0C, channel, residual)


def test_read_data_with_data_chaining():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x06, BUF, CD, 5), ccw(0x06, BUF + 100, 0, 15)],
                 {ARG: seek_arg(0, 0)})
    assert csw == (at(2), 0x0C, 0, 0)
    assert mem(m, BUF, 5) + mem(m, BUF + 100, 15) == b"\x01" * 20


def test_read_multiple_count_key_and_data():
    # Every record after R0 to the end of the track: 3 x (8 + 4 + 20) = 96 bytes.
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x5E, BUF, 0, 96)], {ARG: seek_arg(0, 0)})
    assert csw == (at(1), 0x0C, 0, 0)
    assert mem(m, BUF, 96) == b"".join(count(0, 0, r, 4, 20) + b"KEY%d" % r + bytes([r]) * 20
                                       for r in (1, 2, 3))


def test_read_r0_and_multitrack_read_home_address():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x16, BUF, CC, 16), ccw(0x9A, BUF + 16, 0, 5)],
                 {ARG: seek_arg(0, 0)})
    assert csw == (at(2), 0x0C, 0, 0)
    assert mem(m, BUF, 16) == count(0, 0, 0, 0, 8) + bytes(8)
    assert mem(m, BUF + 16, 5) == bytes.fromhex("0000000001")      # head 1's HA


def test_multitrack_read_count_goes_on_to_the_next_heads():
    # After R3 (the last record of head 0) READ COUNT MT (X'92') passes the index
    # to head 1 (R0 only: skipped) and head 2: R7's count.  Single track (X'12')
    # it wraps to R1 of head 0.
    d = CKDDevice(standard_volume())
    for code, expected in ((0x92, count(0, 2, 7, 4, 30)), (0x12, count(0, 0, 1, 4, 20))):
        m, csw = run(d, search_loop(0x31, 5, [ccw(code, BUF, 0, 8)]),
                     {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5]})
        assert csw == (at(3), 0x0C, 0, 0) and mem(m, BUF, 8) == expected


def test_multitrack_read_data_ends_at_end_of_cylinder():
    v = MemVolume(heads=2)
    v.tracks[(0, 1)] = track(0, 1, [(1, b"", b"A")])
    d = CKDDevice(v)
    prog = [seek_ccw(), ccw(0x86, BUF, CC | SLI, 8), ccw(0x86, BUF, SLI, 8)]
    m, csw = run(d, prog, {ARG: seek_arg(0, 1)})
    assert csw == (at(2), CE_DE_UC, 0, 8) and sense(d, m)[1] == 0x20


def test_reading_an_end_of_file_record_is_unit_exception():
    v = MemVolume()
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", b"")])
    d = CKDDevice(v)
    _, csw = run(d, [seek_ccw(), ccw(0x06, BUF, SLI, 10)], {ARG: seek_arg(0, 0)})
    assert csw == (at(1), 0x0D, 0, 10)


def test_a_single_track_read_wraps_at_the_index_then_is_no_record_found():
    # READ COUNT four times from the index: R1, R2, R3, then (index point) R1.
    d = CKDDevice(standard_volume())
    reads = [ccw(0x12, BUF + 8 * i, CC, 8) for i in range(4)]
    m, csw = run(d, [seek_ccw()] + reads[:3] + [ccw(0x12, BUF + 24, 0, 8)],
                 {ARG: seek_arg(0, 0)})
    assert csw == (at(4), 0x0C, 0, 0) and mem(m, BUF + 24, 8) == count(0, 0, 1, 4, 20)
    # On an empty track (only R0) READ COUNT meets the index twice.
    m, csw = run(d, [seek_ccw(), ccw(0x12, BUF, 0, 8)], {ARG: seek_arg(1, 0)})
    assert csw == (at(1), CE_DE_UC, IL, 8) and sense(d, m)[1] == 0x08


def test_corrupt_track_is_equipment_check():
    v = standard_volume()
    v.bad.add((0, 1))
    d = CKDDevice(v)
    m, csw = run(d, [seek_ccw(0)], {ARG: seek_arg(0, 1)})
    assert csw == (at(0), CE_DE_UC, 0, 0) and sense(d, m)[0] == 0x10
    # A count field running past the end of the image is a corrupt track too.
    v.tracks[(0, 2)] = track(0, 2, [])[:-8] + count(0, 2, 1, 0, 100)
    m, csw = run(d, [seek_ccw(), ccw(0x1E, BUF, 0, 108)], {ARG: seek_arg(0, 2)})
    assert csw[1] == CE_DE_UC and sense(d, m)[0] == 0x10


# ---------------------------------------------------------------------------
# Writes and their order
# ---------------------------------------------------------------------------
def test_write_ckd_without_a_search_is_command_reject():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [seek_ccw(), ccw(0x1D, BUF, 0, 16)],
                 {ARG: seek_arg(0, 0), BUF: count(0, 0, 1, 0, 8)})
    assert csw == (at(1), 0x02, 0, 16) and sense(d, m)[:2] == b"\x80\x00"
    # On a 2314, with invalid sequence (sense byte 1 X'10').
    d = CKDDevice(MemVolume("2314"))
    m, csw = run(d, [seek_ccw(), ccw(0x1D, BUF, 0, 16)],
                 {ARG: seek_arg(0, 0), BUF: count(0, 0, 1, 0, 8)})
    assert csw == (at(1), 0x02, 0, 16) and sense(d, m) == bytes([0x80, 0x10, 0, 0x40, 0, 0])


def test_write_ckd_after_search_id_equal_replaces_the_rest_of_the_track():
    # Search R1, write R2' (key K2, 6 data bytes) then R3' chained from it: the
    # old R2 and R3 are gone.
    v = standard_volume()
    d = CKDDevice(v)
    r2 = count(0, 0, 2, 2, 6) + b"K2" + b"222222"
    r3 = count(0, 0, 3, 0, 4) + b"3333"
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x1D, BUF, CC, 16), ccw(0x1D, BUF + 16, 0, 12)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 1, 0, 0)[:5], BUF: r2,
                  BUF + 16: r3})
    assert csw == (at(4), 0x0C, 0, 0)
    assert v.records(0, 0) == [(0, b"", bytes(8)), (1, b"KEY1", b"\x01" * 20),
                               (2, b"K2", b"222222"), (3, b"", b"3333")]


def test_write_ckd_count_field_may_be_data_chained():
    # The count field in two CCWs (3 + 5 bytes), key and data in a third: the
    # device learns KL 2 and DL 4 from the count and takes 8 + 2 + 4 bytes.
    v = standard_volume()
    d = CKDDevice(v)
    c = count(0, 0, 4, 2, 4)
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x1D, BUF, CD, 3), ccw(0x1D, BUF + 16, CD, 5),
                                          ccw(0x1D, BUF + 32, 0, 6)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5], BUF: c[:3],
                  BUF + 16: c[3:], BUF + 32: b"K4DDDD"})
    assert csw == (at(5), 0x0C, 0, 0)
    assert v.records(0, 0)[-1] == (4, b"K4", b"DDDD")


def test_a_search_on_part_of_the_id_does_not_permit_a_write():
    # SEARCH ID EQUAL with 4 bytes (CCHH) is satisfied on R0 but did not compare
    # the whole ID: WRITE DATA after it is command reject.
    d = CKDDevice(standard_volume())
    _, csw = run(d, search_loop(0x31, 4, [ccw(0x05, BUF, 0, 8)]),
                 {ARG: seek_arg(0, 0), ARG + 8: bytes(4)})
    assert csw == (at(3), 0x02, 0, 8)


def test_write_ckd_count_shorter_than_the_record_is_incorrect_length_and_padded():
    # The count field says 6 data bytes: 8 + 6 = 14 wanted, the CCW gives 10.
    v = standard_volume()
    d = CKDDevice(v)
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x1D, BUF, 0, 10)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5],
                  BUF: count(0, 0, 4, 0, 6) + b"AB"})
    assert csw == (at(3), 0x0C, 0x40, 0)
    assert v.records(0, 0)[-1] == (4, b"", b"AB\0\0\0\0")


def test_write_r0_after_search_home_address_and_write_home_address():
    v = standard_volume()
    d = CKDDevice(v)
    r0 = count(0, 1, 0, 0, 8) + b"R0R0R0R0"
    # The default file mask (X'00') inhibits WRITE R0: file protected.
    prog = [seek_ccw(), ccw(0x39, ARG + 8, CC, 4), ccw(0x08, CCWS + 8, 0, 1),
            ccw(0x15, BUF, 0, 16)]
    blobs = {ARG: seek_arg(0, 1), ARG + 8: bytes.fromhex("00000001"), BUF: r0,
             ARG + 16: b"\xc0"}
    m, csw = run(d, prog, blobs)
    assert csw == (at(3), 0x02, 0, 16) and sense(d, m)[:2] == b"\x80\x04"
    # With X'C0' (all writes permitted):
    prog = [ccw(0x1F, ARG + 16, CC, 1)] + prog
    prog[3] = ccw(0x08, CCWS + 16, 0, 1)
    _, csw = run(d, prog, blobs)
    assert csw == (at(4), 0x0C, 0, 0)
    assert v.records(0, 1) == [(0, b"", b"R0R0R0R0")]
    # WRITE HA then WRITE R0: the track holds the new HA and R0 only.
    _, csw = run(d, [seek_ccw(), ccw(0x1F, ARG + 8, CC, 1), ccw(0x19, BUF + 32, CC, 5),
                     ccw(0x15, BUF, 0, 16)],
                 {ARG: seek_arg(0, 0), ARG + 8: b"\xc0", BUF: r0, BUF + 32: bytes(5)})
    assert csw == (at(3), 0x0C, 0, 0)
    assert v.read_track(0, 0)[:5] == bytes(5) and len(v.records(0, 0)) == 1
    # WRITE R0 without SEARCH HA or WRITE HA: command reject.
    _, csw = run(d, [ccw(0x1F, ARG + 8, CC, 1), seek_ccw(), ccw(0x15, BUF, 0, 16)],
                 {ARG: seek_arg(0, 0), ARG + 8: b"\xc0"})
    assert csw[1] == 0x02


def test_write_ckd_after_write_r0_formats_a_track():
    v = MemVolume()
    d = CKDDevice(v)
    ccws = [ccw(0x1F, ARG + 12, CC, 1), seek_ccw(), ccw(0x39, ARG + 8, CC, 4),
            ccw(0x08, CCWS + 16, 0, 1), ccw(0x15, BUF, CC, 16)]
    ccws += [ccw(0x1D, BUF + 16 + 16 * i, CC if i < 2 else 0, 16) for i in range(3)]
    blobs = {ARG: seek_arg(2, 1), ARG + 8: bytes.fromhex("00020001"), ARG + 12: b"\xc0",
             BUF: count(2, 1, 0, 0, 8) + bytes(8)}
    for i in range(3):
        blobs[BUF + 16 + 16 * i] = count(2, 1, i + 1, 0, 8) + bytes([i]) * 8
    _, csw = run(d, ccws, blobs)
    assert csw == (at(7), 0x0C, 0, 0)
    assert [r for r, _, _ in v.records(2, 1)] == [0, 1, 2, 3]


def test_write_data_and_write_key_and_data_update_in_place():
    v = standard_volume()
    d = CKDDevice(v)
    _, csw = run(d, search_loop(0x29, 4, [ccw(0x05, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: b"KEY2", BUF: b"D" * 20})
    assert csw == (at(3), 0x0C, 0, 0)
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x0D, BUF, 0, 24)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 3, 0, 0)[:5],
                  BUF: b"KEYX" + b"E" * 20})
    assert csw == (at(3), 0x0C, 0, 0)
    assert v.records(0, 0)[1:] == [(1, b"KEY1", b"\x01" * 20), (2, b"KEY2", b"D" * 20),
                                   (3, b"KEYX", b"E" * 20)]


def test_write_key_and_data_after_search_key_is_command_reject():
    d = CKDDevice(standard_volume())
    _, csw = run(d, search_loop(0x29, 4, [ccw(0x0D, BUF, 0, 24)]),
                 {ARG: seek_arg(0, 0), ARG + 8: b"KEY2"})
    assert csw == (at(3), 0x02, 0, 24)


def test_write_data_not_directly_after_the_search_is_command_reject():
    d = CKDDevice(standard_volume())
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x03, 0, CC, 1), ccw(0x05, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 2, 0, 0)[:5]})
    assert csw == (at(4), 0x02, 0, 20)


def test_erase_after_search_erases_the_rest_of_the_track():
    v = standard_volume()
    d = CKDDevice(v)
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x11, BUF, 0, 8)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 1, 0, 0)[:5],
                  BUF: count(0, 0, 2, 0, 0)})
    assert csw == (at(3), 0x0C, 0, 0)
    assert [r for r, _, _ in v.records(0, 0)] == [0, 1]


def test_a_record_the_track_cannot_hold_is_invalid_track_format():
    # 3330: 13165 bytes for records; each takes 135 + KL + DL (+56 with a key):
    # R1 with 13030 data bytes fits (135 + 13030 = 13165); 13031 does not.
    for dl, status in ((13030, 0x0C), (13031, CE_DE_UC)):
        v = MemVolume()
        d = CKDDevice(v)
        m, csw = run(d, search_loop(0x31, 5, [ccw(0x1D, BUF, 0, 8 + dl)]),
                     {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 0, 0, 0)[:5],
                      BUF: count(0, 0, 1, 0, dl)})
        assert csw == (at(3), status, 0, 0)
        if status == CE_DE_UC:
            assert sense(d, m)[1] == 0x40 and len(v.records(0, 0)) == 1
        else:
            assert len(v.records(0, 0)) == 2


def test_2314_track_overrun_follows_its_capacity_formula():
    # 2314: 7294 bytes a track; the last record takes K + D, a record before it
    # 101 + (K + D) * 2137 / 2048.  R1 with 7294 data bytes fits alone; a 100-byte
    # R1 (101 + 104 = 205) leaves room for an R2 of 7089 (205 + 7089 = 7294) but
    # not of 7090.
    for records, ok in (([7294], True), ([7295], False), ([100, 7089], True),
                        ([100, 7090], False)):
        v = MemVolume("2314")
        d = CKDDevice(v)
        prog = search_loop(0x31, 5, [])
        blobs = {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 0, 0, 0)[:5]}
        area = BUF
        for r, dl in enumerate(records, 1):
            prog.append(ccw(0x1D, area, CC, 8 + dl))
            blobs[area] = count(0, 0, r, 0, dl)
            area += 8 + dl
        prog[-1] = prog[-1][:4] + b"\0" + prog[-1][5:]          # no chaining after the last
        m, csw = run(d, prog, blobs)
        if ok:
            assert csw == (at(len(prog) - 1), 0x0C, 0, 0)
            assert len(v.records(0, 0)) == 1 + len(records)
        else:
            assert csw[1] == CE_DE_UC and sense(d, m)[:2] == b"\x00\x40"
            assert len(v.records(0, 0)) == len(records)


def test_orientation_is_kept_from_one_chain_to_the_next():
    # Chain 1 finds R2 (oriented to its count); chain 2's READ DATA reads R2's data.
    d = CKDDevice(standard_volume())
    m, csw = run(d, search_loop(0x31, 5, [ccw(0x03, 0, 0, 1)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 2, 0, 0)[:5]})
    assert csw == (at(3), 0x0C, 0, 1)
    m, csw = run(d, [ccw(0x06, BUF, 0, 20)], m=m)
    assert csw == (at(0), 0x0C, 0, 0) and mem(m, BUF, 20) == b"\x02" * 20


def test_data_length_zero_write_data_is_unit_exception():
    v = MemVolume()
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", b"")])
    d = CKDDevice(v)
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x05, BUF, 0, 8)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 1, 0, 0)[:5]})
    assert csw == (at(3), 0x0D, IL, 8)     # no data taken: a short block


def test_read_only_volume_is_write_inhibited():
    d = CKDDevice(standard_volume(readonly=True))
    m, csw = run(d, search_loop(0x31, 5, [ccw(0x05, BUF, 0, 20)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 1, 0, 0)[:5]})
    assert csw == (at(3), CE_DE_UC, IL, 20)
    s = sense(d, m)
    assert s[0] == 0x10 and s[1] == 0x02


# ---------------------------------------------------------------------------
# The file mask
# ---------------------------------------------------------------------------
def test_file_mask_inhibiting_writes_is_command_reject_with_file_protected():
    # X'40': inhibit all writes.  X'80' (update only): WRITE DATA allowed, WRITE CKD
    # not.  Command reject in the initial status: unit check alone, nothing moved.
    d = CKDDevice(standard_volume())
    prog = [ccw(0x1F, ARG + 16, CC, 1)] + search_loop(0x31, 5, [ccw(0x05, BUF, 0, 20)])
    prog[3] = ccw(0x08, CCWS + 16, 0, 1)
    blobs = {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 1, 0, 0)[:5], ARG + 16: b"\x40"}
    m, csw = run(d, prog, blobs)
    assert csw == (at(4), 0x02, 0, 20)
    assert sense(d, m)[:2] == b"\x80\x04"
    blobs[ARG + 16] = b"\x80"
    _, csw = run(d, prog, blobs)
    assert csw == (at(4), 0x0C, 0, 0)
    prog[4] = ccw(0x1D, BUF, 0, 16)
    m, csw = run(d, prog, blobs)
    assert csw[1] == 0x02 and sense(d, m)[:2] == b"\x80\x04"
    # The default mask (X'00'): WRITE HA is inhibited.
    m, csw = run(d, [seek_ccw(), ccw(0x19, BUF, 0, 5)], {ARG: seek_arg(0, 0)})
    assert csw[1] == 0x02 and sense(d, m)[:2] == b"\x80\x04"


@pytest.mark.parametrize("mask,code,allowed", [
    (0x08, 0x07, False), (0x08, 0x0B, True), (0x08, 0x1B, True),
    (0x10, 0x0B, False), (0x10, 0x1B, True), (0x18, 0x1B, False), (0x08, 0x13, False),
])
def test_file_mask_inhibiting_seeks(mask, code, allowed):
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0x1F, ARG + 8, CC, 1), ccw(code, ARG, 0, 6)],
                 {ARG: seek_arg(0, 1), ARG + 8: bytes([mask])})
    if allowed:
        assert csw == (at(1), 0x0C, 0, 0)
    elif code == 0x13:
        # RECALIBRATE takes no data: an immediate operation, no incorrect length.
        assert csw == (at(1), CE_DE_UC, 0, 6) and sense(d, m)[1] == 0x04
    else:
        # A seek ended before its address is sent: a short block (GA22-7000
        # ch.12 "Incorrect Length"), as on Hercules.
        assert csw == (at(1), CE_DE_UC, IL, 6) and sense(d, m)[1] == 0x04


def test_file_mask_inhibiting_multitrack_makes_a_multitrack_search_file_protected():
    d = CKDDevice(standard_volume())
    prog = [seek_ccw(), ccw(0x1F, ARG + 16, CC, 1), ccw(0xB1, ARG + 8, CC, 5),
            ccw(0x08, CCWS + 16, 0, 1)]
    m, csw = run(d, prog, {ARG: seek_arg(0, 0), ARG + 8: count(0, 2, 7, 0, 0)[:5],
                           ARG + 16: b"\x18"})
    assert csw == (at(2), CE_DE_UC, IL, 5) and sense(d, m)[1] == 0x04


def test_set_file_mask_twice_or_with_reserved_bit_is_command_reject():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0x1F, ARG, CC, 1), ccw(0x1F, ARG, 0, 1)], {ARG: b"\x00"})
    assert csw == (at(1), 0x02, 0, 1) and sense(d, m)[0] == 0x80
    m, csw = run(d, [ccw(0x1F, ARG, 0, 1)], {ARG: b"\x20"})
    assert csw == (at(0), CE_DE_UC, 0, 0) and sense(d, m)[0] == 0x80


def test_the_file_mask_lasts_only_for_its_chain():
    d = CKDDevice(standard_volume())
    m = run(d, [ccw(0x1F, ARG + 8, 0, 1)], {ARG + 8: b"\x18"})[0]
    _, csw = run(d, [seek_ccw(0)], {ARG: seek_arg(0, 1)}, m=m)
    assert csw == (at(0), 0x0C, 0, 0)


# ---------------------------------------------------------------------------
# Sectors, reserve and release, sense
# ---------------------------------------------------------------------------
def test_set_sector_and_read_sector_on_rps_devices_only():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0x23, ARG, CC, 1), ccw(0x22, BUF, 0, 1)],
                 {ARG: b"\x10", BUF: b"\x55"})
    assert csw == (at(1), 0x0C, 0, 0) and m.mem[BUF] == 0
    d = CKDDevice(MemVolume("2314"))
    m, csw = run(d, [ccw(0x23, ARG, 0, 1)], {ARG: b"\x10"})
    assert csw == (at(0), 0x02, 0, 1)
    assert sense(d, m) == bytes([0x80, 0, 0, 0x40, 0, 0])    # 2314 byte 3: online


def test_sense_id_on_the_3380_only():
    # 3380 behind a 3880 model 5: FF 3880 05 3380 02; a 3350 behind a 3830 rejects it.
    d = CKDDevice(MemVolume("3380", heads=15))
    m, csw = run(d, [ccw(0xE4, BUF, 0, 7)])
    assert csw == (at(0), 0x0C, 0, 0) and mem(m, BUF, 7) == bytes.fromhex("FF388005338002")
    d = CKDDevice(MemVolume("3350", heads=30))
    _, csw = run(d, [ccw(0xE4, BUF, 0, 7)])
    assert csw == (at(0), 0x02, 0, 7)


def test_reserve_and_release_return_the_sense_bytes():
    d = CKDDevice(standard_volume())
    m, csw = run(d, [ccw(0xB4, BUF, CC, 24), ccw(0x94, BUF + 24, 0, 24)])
    assert csw == (at(1), 0x0C, 0, 0) and not d.reserved
    m, csw = run(d, [ccw(0x03, 0, CC, 1), ccw(0xB4, BUF, 0, 24)], m=m)
    assert csw == (at(1), 0x02, 0, 24)
    # RESERVE as the first command returns the pending sense (command reject).
    m, csw = run(d, [ccw(0xB4, BUF, 0, 24)], m=m)
    assert csw == (at(0), 0x0C, 0, 0) and m.mem[BUF] == 0x80 and d.reserved


def test_sense_bytes_show_the_cylinder_and_head():
    # 3330-11 (808 cylinders): byte 5 the low cylinder byte, byte 6 the high
    # cylinder bits shifted left 5 and the head.  Seek to cylinder 300 (X'12C'),
    # head 18 (X'12'), then an invalid command: byte 6 = X'01' << 5 | X'12' = X'32'.
    d = CKDDevice(MemVolume("3330-11", cylinders=808, heads=19))
    m, _ = run(d, [seek_ccw(), ccw(0xDE, BUF, 0, 1)], {ARG: seek_arg(300, 18)})
    s = sense(d, m)
    assert len(s) == 24 and s[0] == 0x80 and s[5] == 0x2C and s[6] == 0x32


def test_2311_sense_is_six_bytes_with_end_of_cylinder_in_byte_3():
    # 2311 byte 3: X'C8' ready and online, X'04' at end of cylinder.
    v = MemVolume("2311", heads=2)
    d = CKDDevice(v)
    m, csw = run(d, search_loop(0xB1, 5, []), {ARG: seek_arg(0, 0),
                                                ARG + 8: count(0, 0, 9, 0, 0)[:5]})
    assert csw[1] == CE_DE_UC
    assert sense(d, m) == bytes([0, 0x20, 0, 0xCC, 0, 0])


# ---------------------------------------------------------------------------
# IPL
# ---------------------------------------------------------------------------
def test_ipl_from_a_ckd_volume_reads_record_1_and_chains_to_read_record_2():
    # Record 1 (24 bytes): a BC-mode PSW to X'400'; at 8 READ DATA (CC, SLI) of the
    # next record (R2) into X'400'; at 16 a NO-OPERATION.  R2: LA 7,X'66'; LPSW of
    # a disabled wait.
    psw = bytes.fromhex("0000000000000400")
    r1 = psw + ccw(0x06, 0x400, CC | SLI, 80) + ccw(0x03, 0, SLI, 1)
    prog = (ins("LA", 7, 0, 0, 0x66) + ins("LPSW", 0, 0x410)).ljust(16, b"\0")
    r2 = prog + bytes.fromhex("000A000000000000")
    v = MemVolume("3350", heads=30)
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", r1), (2, b"", r2)])
    m = Machine(64 * 1024)
    channels = ChannelSubsystem(m)
    channels.attach(0x191, CKDDevice(v))
    m.channels = channels
    assert channels.ipl(0x191) is None
    assert bytes(m.mem[0:8]) == bytes.fromhex("0000019100000400")   # address at 2-3
    assert m.run(100) == "disabled-wait" and m.gpr[7] == 0x66


def test_read_ipl_then_set_file_mask_is_command_reject():
    v = MemVolume()
    v.tracks[(0, 0)] = track(0, 0, [(1, b"", bytes(24))])
    d = CKDDevice(v)
    m, csw = run(d, [ccw(0x02, BUF, CC, 24), ccw(0x1F, ARG, 0, 1)], {ARG: b"\x00"})
    assert csw == (at(1), 0x02, 0, 1)


def test_ipl_from_a_hercules_image_written_through_the_device(tmp_path):
    # A 3350 image made by reference.io.dasd (track 0: R0, then dasdinit's IPL
    # records and label).  The channel program finds R0 (SEARCH ID EQUAL), writes
    # R1 (the IPL PSW and CCW) and R2 (the program) after it; the image is closed,
    # opened again, and IPL'd.
    path = str(tmp_path / "ipl.3350")
    dasd.create(path, "3350", "IPL001", cylinders=2)
    psw = bytes.fromhex("0000000000000400")
    r1 = psw + ccw(0x06, 0x400, CC | SLI, 80) + ccw(0x03, 0, SLI, 1)
    prog = (ins("LA", 7, 0, 0, 0x3C) + ins("LPSW", 0, 0x410)).ljust(16, b"\0")
    r2 = prog + bytes.fromhex("000A000000000000")
    d = CKDDevice(dasd.open_image(path))
    _, csw = run(d, search_loop(0x31, 5, [ccw(0x1D, BUF, CC, 32), ccw(0x1D, BUF + 64, 0, 32)]),
                 {ARG: seek_arg(0, 0), ARG + 8: count(0, 0, 0, 0, 0)[:5],
                  BUF: count(0, 0, 1, 0, 24) + r1, BUF + 64: count(0, 0, 2, 0, 24) + r2})
    assert csw == (at(4), 0x0C, 0, 0)
    d.close()
    m = Machine(64 * 1024)
    channels = ChannelSubsystem(m)
    channels.attach(0x250, CKDDevice(dasd.open_image(path, readonly=True)))
    m.channels = channels
    assert channels.ipl(0x250) is None
    assert m.run(100) == "disabled-wait" and m.gpr[7] == 0x3C
    channels.close()


def test_read_ipl_reads_the_data_of_record_1_without_its_key():
    # dasdinit's track 0: R1 has the key "IPL1" and 24 bytes of data (the IPL
    # PSW and CCWs); READ IPL transfers the data only.
    v = MemVolume()
    r1 = bytes(range(24))
    v.tracks[(0, 0)] = track(0, 0, [(1, b"\xc9\xd7\xd3\xf1", r1)])
    m, csw = run(CKDDevice(v), [ccw(0x02, BUF, 0, 24)])
    assert csw == (at(0), 0x0C, 0, 0)
    assert bytes(m.mem[BUF:BUF + 24]) == r1
