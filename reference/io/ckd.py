"""Count-key-data direct-access devices: 2311, 2314, 3330 (models 1 and 11),
3340, 3350 and 3380.

The device works on a *volume* (``CKDVolume``): its cylinders and heads, whether
it is read-only, its ``Geometry`` (``reference.io.ckd_geometry``) and the track
images in Hercules' format: a 5-byte home address (flag byte, CC CC HH HH), the
records, each an 8-byte count (CC CC HH HH R KL DL DL) followed by its key and
data, then the end-of-track marker X'FFFFFFFFFFFFFFFF'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from reference.io.channel import (
    CE_DE,
    STATUS_MODIFIER,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    Immediate,
    Input,
    Output,
    Start,
    ended_without_data,
)
from reference.io.ckd_geometry import Geometry
from reference.io.dasd import DasdImageError, TrackError
from reference.io.devices import COMMAND_REJECT, EQUIPMENT_CHECK, DeviceBase

__all__ = ["CKDVolume", "CKDDevice", "VOLUME_ERRORS", "SEEK_CHECK", "INVALID_TRACK_FORMAT",
           "END_OF_CYLINDER", "INVALID_SEQUENCE", "NO_RECORD_FOUND", "FILE_PROTECTED",
           "WRITE_INHIBITED"]

# Sense byte 0, bit 7 (the other bits: reference.io.devices)
SEEK_CHECK = 0x01
# Sense byte 1
INVALID_TRACK_FORMAT = 0x40      # 2311/2314: track overrun
END_OF_CYLINDER = 0x20
INVALID_SEQUENCE = 0x10         # 2311/2314 (3330 and later: no such bit)
NO_RECORD_FOUND = 0x08
FILE_PROTECTED = 0x04
WRITE_INHIBITED = 0x02

END_OF_TRACK = b"\xff" * 8
HA = 5           # home address: flag byte, CC CC HH HH
COUNT = 8        # count field: CC CC HH HH R KL DL DL

# File mask (SET FILE MASK byte): bits 0-1 write control, bit 2 reserved,
# bits 3-4 seek control.
MASK_WRITES = 0xC0
WRITES_INHIBIT_HA_R0 = 0x00
WRITES_INHIBIT_ALL = 0x40
WRITES_UPDATE_ONLY = 0x80
WRITES_ALL = 0xC0
MASK_RESERVED = 0x20
MASK_SEEKS = 0x18
SEEKS_ALL = 0x00
SEEKS_CYLINDER_HEAD = 0x08
SEEKS_HEAD = 0x10
SEEKS_NONE = 0x18        # no seek, no multitrack operation

_SEARCH_ID = (0x31, 0x51, 0x71)
_SEARCH_KEY = (0x29, 0x49, 0x69)
_RPS_FREE = (0x2311, 0x2314)     # no rotational position sensing: no sectors


class CKDVolume(Protocol):
    """What a CKD device reads and writes (an image file: reference.io.dasd)."""

    cylinders: int
    heads: int
    readonly: bool
    geometry: Geometry

    def read_track(self, cyl: int, head: int) -> bytes:
        """The track image; raises one of ``VOLUME_ERRORS`` when it is corrupt
        or cannot be read."""
        ...

    def write_track(self, cyl: int, head: int, data: bytes) -> None:
        """Replace the track image; raises one of ``VOLUME_ERRORS`` on failure."""
        ...


# What a volume raises for a track it cannot read or write (an image file's
# corrupt track or a track it cannot hold, a host file that fails): the device's
# equipment check.  Any other exception is an error of the model and is not
# turned into a guest's condition.
VOLUME_ERRORS = (TrackError, DasdImageError, OSError)


class _Check(Exception):
    """A command ends with unit check: sense bytes 0 and 1."""

    def __init__(self, sense0: int, sense1: int = 0) -> None:
        super().__init__(f"sense {sense0:02X}{sense1:02X}")
        self.sense0 = sense0
        self.sense1 = sense1


class CKDDevice(DeviceBase):
    """An IBM count-key-data disk drive with its control unit (2841 for the
    2311, 2314 control for the 2314, 3830 for the 3330/3340/3350, 3880 for the
    3380), on one ``CKDVolume``.  ``type_name``: the geometry's (``"3350"``).

    Facts from Hercules' ckddasd.c and dasdtab.c (rbowler/spinhawk; read for the
    rules of each command, no code copied) and, for the unit checks of program
    errors, the IBM 2025 Maintenance Manual's table of 2311 sense conditions
    ("command reject and seek check: invalid seek address"; "command reject and
    file protected: a command that violates the inhibit-write portion of the
    file mask"; "command reject and invalid sequence").

    Orientation.  The device keeps its position on the current track: at the
    index (after the home address: after a seek, READ HA, SEARCH HA), after a
    count, a key or a data area, or at the end of the track.  It is kept across
    the commands of a chain and across chains (the access mechanism stays where
    it is; the track image is read again at each new chain).  A command that
    needs the next count field reads past the rest of the current record; the
    end-of-track marker is the index point: a single-track command goes on
    from the home address of the same track, a multitrack one (command code bit
    0 on: X'86', X'8E', X'92', X'96', X'9A', X'9E', X'B1', X'D1', X'F1', X'A9',
    X'C9', X'E9', X'B9') on the next head; after the last head of the cylinder
    it ends with unit check, end of cylinder (sense byte 1 X'20').  A multitrack
    operation when the file mask inhibits seeks ends with file protected.
    Record 0 is skipped by every command that reads the next count except
    SEARCH ID (which can find R0) and READ R0.  No record found (sense byte 1
    X'08'): a single-track command reaches the index point a second time in a
    chain; every command except the searches, READ COUNT (single track) and
    READ SECTOR starts the count of index points again (as Hercules).

    Commands (code: name, data):

    - X'07' SEEK, X'0B' SEEK CYLINDER, X'1B' SEEK HEAD: 6 bytes BB CC HH; SEEK
      HEAD takes only HH and stays on the cylinder.  Fewer than 6 bytes:
      command reject; an invalid seek address (BB not zero, a cylinder or head
      beyond the volume): command reject with seek check (sense byte 0 X'81'),
      at the end of the command.  Orientation: index.
    - X'13' RECALIBRATE: to cylinder 0 head 0.
    - X'1F' SET FILE MASK, 1 byte: bits 0-1 00 inhibit WRITE HA and WRITE R0, 01
      inhibit all writes, 10 permit only WRITE DATA and WRITE KEY AND DATA, 11
      permit all writes; bits 3-4 00 permit all seeks, 01 SEEK CYLINDER and
      SEEK HEAD, 10 SEEK HEAD only, 11 no seek and no multitrack operation; bit
      2 must be zero (command reject).  Once per chain (a second one, or one
      after READ IPL, is command reject).  A seek, RECALIBRATE or multitrack
      operation that the mask inhibits ends with unit check, file protected
      (sense byte 1 X'04'; as Hercules); a write that it inhibits is command
      reject with file protected (the 2311 table), in the initial status.
      Every chain starts with mask X'00'.
    - X'23' SET SECTOR (1 byte) and X'22' READ SECTOR (1 byte, X'00'): RPS
      devices only (3330, 3340, 3350, 3380); command reject on a 2311/2314.
    - X'31' SEARCH ID EQUAL, X'51' HIGH, X'71' HIGH OR EQUAL (5 bytes CCHHR,
      compared with the next count field), X'29' SEARCH KEY EQUAL, X'49' HIGH,
      X'69' HIGH OR EQUAL (the next key; on a record without a key the search
      ends, not satisfied, before the channel sends any of its argument: a
      short block, so incorrect length unless the CCW's SLI flag is on, and a
      search/TIC loop without SLI ends there), X'39' SEARCH HOME
      ADDRESS EQUAL (4 bytes CCHH, the home address of the track, which
      follows the index point: a second single-track SEARCH HA in a chain is
      no record found; the multitrack form first moves to the next track);
      each with its multitrack form (+X'80').  HIGH: the field on the disk is
      higher than the argument.  A shorter argument compares only its bytes.  A satisfied
      search ends with status modifier: the channel skips the next CCW (the
      TIC of a search/TIC loop).
    - X'1A' READ HOME ADDRESS (5 bytes), X'16' READ RECORD ZERO (count, key,
      data of R0), X'12' READ COUNT (8 bytes), X'06' READ DATA, X'0E' READ KEY
      AND DATA, X'1E' READ COUNT KEY AND DATA (and their multitrack forms).
      READ DATA reads the current record when oriented to its count or key,
      READ KEY AND DATA when oriented to its count, otherwise the next record.
      A record whose data length is zero (an end-of-file record) ends the read
      with unit exception.
    - X'5E' READ MULTIPLE COUNT KEY AND DATA: count, key and data of every
      record from the current orientation to the end of the track (R0 skipped).
    - X'02' READ IPL: cylinder 0 head 0, the data of the first record after R0
      (record 1).  Not after SET FILE MASK in the chain.
    - X'19' WRITE HOME ADDRESS (5 bytes: flag, CCHH; the rest of the track is
      erased), X'15' WRITE RECORD ZERO (count, key, data after the home
      address; the rest erased), X'1D' WRITE COUNT KEY AND DATA (a new record
      after the current one; the rest of the track erased), X'05' WRITE DATA
      and X'0D' WRITE KEY AND DATA (update the current record in place, short
      data padded with zeros), X'11' ERASE (a count, key and data's worth of
      bytes, discarded; the rest of the track after the current record is
      erased).  Order: WRITE R0 chained directly from a satisfied SEARCH HA
      EQUAL (all 4 bytes) or from WRITE HA; WRITE CKD and ERASE from a
      satisfied SEARCH ID EQUAL or SEARCH KEY EQUAL (all bytes) or from WRITE R0
      or WRITE CKD; WRITE DATA from a satisfied SEARCH ID EQUAL or SEARCH KEY
      EQUAL; WRITE KEY AND DATA from a satisfied SEARCH ID EQUAL.  Otherwise:
      command reject (2311/2314: with invalid sequence, sense byte 1 X'10').
      A record that the track cannot hold (the geometry's track capacity and
      record overhead, records 1..n) is unit check with invalid track format
      (sense byte 1 X'40', track overrun on the 2311/2314); WRITE DATA or WRITE
      KEY AND DATA of a record with data length zero ends with unit exception.
      A read-only volume: unit check, equipment check with write inhibited
      (sense byte 1 X'02'; as Hercules for a read-only file).  A track the image
      file cannot hold (Hercules' format: a home address that names another
      track, written by WRITE HOME ADDRESS; a track longer than its slot):
      unit check, equipment check, the track unchanged.
    - X'B4' RESERVE (the first command of a chain) and X'94' RELEASE (not after
      SET FILE MASK): the sense bytes, as SENSE does (then reset).
    - X'04' SENSE: the sense bytes, then they are reset.  X'03' NO-OPERATION.
    - X'E4' SENSE ID, on the 3880's 3380 only (the 2841, 2314 and 3830 controls
      reject it): 7 bytes, X'FF', control unit type and model, device type and
      model (X'FF 3880 05 3380 02').

    Incorrect length is the channel's: a read whose count differs from the
    field, a write or search whose count differs from what the device takes
    (WRITE CKD: 8 + key length + data length of the count field it receives),
    unless SLI.  A read, write, search or seek that the device ends before any
    data passes (no record found, end of cylinder, a seek the file mask
    inhibits, WRITE DATA on an end-of-file record, a track the volume cannot
    read) is a short block: incorrect length unless SLI
    (``reference.io.channel.ended_without_data``); RECALIBRATE and NO-OPERATION
    are immediate operations and have none.

    Sense bytes: 6 for the 2311 and 2314 (their controls), 24 for the others
    (the geometry's ``sense_bytes``).  Byte 0: X'80' command reject, X'10'
    equipment check, X'01' seek check.  Byte 1: X'40' invalid track format
    (track overrun), X'20' end of cylinder, X'10' invalid sequence (2311/2314
    only), X'08' no record found, X'04' file protected, X'02' write inhibited.
    2311: byte 3 X'C8' (ready, online) with X'04' at end of cylinder; 2314:
    byte 3 X'40' (online) with X'04'.  3330, 3340, 3350, 3380: bytes 5-6 the
    cylinder (low byte) and the high cylinder bits with the head (3330-1: CC <<
    6, 3330-11/3340/3350: << 5, 3380: << 4; head in the low 5 bits), byte 7
    format and message 0 (Hercules' ckd_build_sense).  A command reject found
    before any data moves is the initial status (unit check alone, the CSW
    count the CCW's); one found in the data received (SEEK, SET FILE MASK) and
    every other check end the command with channel end, device end and unit
    check.  A track that the volume cannot read or that is malformed (a count
    past its end, no end-of-track marker) is unit check with equipment check.

    Simplifications: no rotational timing (SET SECTOR is accepted and changes
    nothing; READ SECTOR returns sector 0); no track overflow, alternate
    tracks, or DEFINE EXTENT / LOCATE RECORD (3880 extended commands); WRITE
    SPECIAL CKD, READ TRACK, READ DEVICE CHARACTERISTICS and diagnostic
    commands are rejected;
    RESERVE and RELEASE have no effect on a one-CPU system beyond returning the
    sense bytes; data chaining is the channel's (any command may use it)."""

    def __init__(self, volume: CKDVolume) -> None:
        self.volume = volume
        self.geometry = volume.geometry
        self.type_name = volume.geometry.type_name
        self.sense_length = volume.geometry.sense_bytes
        super().__init__()
        self.cyl = 0
        self.head = 0
        self.track: bytes | None = None
        self.pos = HA
        self.orient = "index"
        self.record = (0, 0, 0)          # R, KL, DL of the current record
        self.reserved = False
        self._new_chain()

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------
    def _new_chain(self) -> None:
        self.mask = 0
        self.mask_set = False
        self.ipl = False
        self.index_seen = False
        self.enables: str | None = None  # what the last command allows next
        self.track = None

    def close(self) -> None:
        close = getattr(self.volume, "close", None)
        if close is not None:
            close()

    def reset(self) -> None:
        super().reset()
        self._new_chain()
        self.pos = HA
        self.orient = "index"

    @property
    def _mt_forbidden(self) -> bool:
        return self.mask & MASK_SEEKS == SEEKS_NONE

    # ------------------------------------------------------------------
    # Sense
    # ------------------------------------------------------------------
    def _status_bytes(self) -> None:
        """The device-dependent bytes of the sense information."""
        devtype = self.geometry.devtype
        s = self.sense
        if devtype in _RPS_FREE:
            eoc = 0x04 if s[1] & END_OF_CYLINDER else 0
            s[3] = (0xC8 if devtype == 0x2311 else 0x40) | eoc
            return
        if self.volume.cylinders > 4095:
            s[5] = s[6] = 0xFF
        else:
            shift = {0x3330: 6 if self.geometry.model == 0x01 else 5,
                     0x3340: 5, 0x3350: 5}.get(devtype, 4)
            s[5] = self.cyl & 0xFF
            s[6] = ((self.cyl >> 8) << shift | self.head & 0x1F) & 0xFF
        s[7] = 0

    def _set_sense(self, sense0: int, sense1: int = 0) -> None:
        self.sense[:] = bytes(self.sense_length)
        self.sense[0] = sense0
        self.sense[1] = sense1
        self._status_bytes()

    def _unit_check(self, check: _Check) -> int:
        self._set_sense(check.sense0, check.sense1)
        return CE_DE | UNIT_CHECK

    def _reject(self, sense1: int = 0) -> Start:
        """Command reject in the initial status (``sense1``: sense byte 1)."""
        r = self.reject()
        self.sense[1] = sense1
        self._status_bytes()
        return r

    def _sequence(self) -> Start:
        """Command reject for a command out of the order the device allows
        (2311/2314: with invalid sequence)."""
        return self._reject(INVALID_SEQUENCE if self.geometry.devtype in _RPS_FREE else 0)

    def _sense_data(self) -> bytes:
        if not any(self.sense):
            self._status_bytes()
        data = bytes(self.sense)
        self.sense[:] = bytes(self.sense_length)
        return data

    def start(self, command: int, previous: int | None) -> Start:
        if previous is None:
            self._new_chain()
        enables = self.enables if previous is not None else None
        self.enables = None
        base = command & 0x7F
        if base not in _SEARCH_ID + _SEARCH_KEY + (0x39,) and command not in (0x12, 0x22):
            self.index_seen = False
        if command == 0x04:
            return Input(self._sense_data())
        if command not in (0x94, 0xB4):       # RESERVE and RELEASE return the sense
            self.sense[:] = bytes(self.sense_length)
        if command == 0x03:
            return Immediate()
        try:
            return self._command(command, previous, enables)
        except _Check as check:
            # Found after the command started (no record, end of cylinder, a
            # seek the file mask inhibits, a track the volume cannot read),
            # before any data passed.
            status = self._unit_check(check)
            if command == 0x13:             # RECALIBRATE: an immediate operation
                return Immediate(status)
            return ended_without_data(command, status)

    # ------------------------------------------------------------------
    # Tracks
    # ------------------------------------------------------------------
    def _load(self, cyl: int, head: int) -> None:
        """Move to ``cyl``/``head``, oriented to the index."""
        self.cyl, self.head = cyl, head
        self.track = None
        self.pos = HA
        self.orient = "index"
        self._image()

    def _image(self) -> bytes:
        if self.track is None:
            try:
                track = self.volume.read_track(self.cyl, self.head)
            except VOLUME_ERRORS:
                raise _Check(EQUIPMENT_CHECK) from None
            if len(track) < HA + COUNT:
                raise _Check(EQUIPMENT_CHECK)
            self.track = bytes(track)
        return self.track

    def _store(self, track: bytes) -> None:
        try:
            self.volume.write_track(self.cyl, self.head, track)
        except VOLUME_ERRORS:
            self.track = None
            raise _Check(EQUIPMENT_CHECK) from None
        self.track = track

    def _field(self, n: int) -> bytes:
        track = self._image()
        if self.pos + n > len(track):
            raise _Check(EQUIPMENT_CHECK)       # a record past the end of the track
        return track[self.pos:self.pos + n]

    def _past_record(self) -> None:
        """Move past the rest of the current record."""
        _, kl, dl = self.record
        if self.orient == "count":
            self.pos += kl + dl
        elif self.orient == "key":
            self.pos += dl
        if self.orient in ("count", "key"):
            self.orient = "data"

    def _to_index(self) -> None:
        self.pos = HA
        self.orient = "index"

    def _advance(self) -> None:
        """Multitrack: on to the next head of the cylinder."""
        if self._mt_forbidden:
            raise _Check(0, FILE_PROTECTED)
        if self.head + 1 >= self.volume.heads:
            raise _Check(0, END_OF_CYLINDER)
        self._load(self.cyl, self.head + 1)

    def _index_point(self, multitrack: bool) -> None:
        if multitrack:
            self._advance()
            return
        if self.index_seen:
            raise _Check(0, NO_RECORD_FOUND)
        self.index_seen = True
        self._to_index()

    def _next_count(self, multitrack: bool, skip_r0: bool = True) -> bytes:
        """Orient to the next count field (passing the index point as needed)
        and return it."""
        self._image()
        while True:
            self._past_record()
            if self.orient == "eot":
                self._index_point(multitrack)
                continue
            count = self._field(COUNT)
            if count == END_OF_TRACK:
                self.orient = "eot"
                continue
            self.pos += COUNT
            self.orient = "count"
            self.record = (count[4], count[5], int.from_bytes(count[6:8], "big"))
            if skip_r0 and count[4] == 0:
                continue
            return count

    def _records_before(self) -> int:
        """Track bytes taken by records 1.. before the current position (each
        counted as not the last), R0 excluded."""
        track = self._image()
        at, used, first = HA, 0, True
        while at < self.pos:
            count = track[at:at + COUNT]
            if len(count) < COUNT or count == END_OF_TRACK:
                break
            kl, dl = count[5], int.from_bytes(count[6:8], "big")
            if count[4] != 0 or not first:
                used += self.geometry.record_size(kl, dl)
            first = False
            at += COUNT + kl + dl
        return used

    # ------------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------------
    def _command(self, command: int, previous: int | None, enables: str | None) -> Start:
        base = command & 0x7F
        multitrack = bool(command & 0x80)
        mt_ok = command in (0x86, 0x8E, 0x92, 0x96, 0x9A, 0x9E, 0xB1, 0xD1, 0xF1, 0xA9,
                            0xC9, 0xE9, 0xB9)
        if multitrack and not mt_ok and command not in (0x94, 0xB4, 0xE4):
            return self._reject()
        if command in (0x07, 0x0B, 0x1B):
            return self._seek(command)
        if command == 0x13:
            if self.mask & MASK_SEEKS != SEEKS_ALL:
                raise _Check(0, FILE_PROTECTED)
            self._load(0, 0)
            return Immediate()
        if command == 0x1F:
            if self.mask_set or self.ipl:
                return self._sequence()
            return Output(1, self._set_file_mask)
        if command in (0x22, 0x23):
            if self.geometry.devtype in _RPS_FREE:
                return self._reject()
            if command == 0x22:
                return Input(b"\x00")
            return Output(1, lambda data: CE_DE)
        if base in _SEARCH_ID:
            return self._search_id(command, multitrack)
        if base in _SEARCH_KEY:
            return self._search_key(command, multitrack)
        if base == 0x39:
            return self._search_ha(multitrack)
        if base in (0x1A, 0x16):
            if multitrack:
                self._advance()
            self._image()
            self._to_index()
            if base == 0x1A:
                return Input(self._image()[:HA])
            count = self._next_count(False, skip_r0=False)
            return self._read(count + self._key_and_data())
        if base == 0x12:
            return Input(self._next_count(multitrack))
        if base == 0x06:
            if self.orient not in ("count", "key"):
                self._next_count(multitrack)
            if self.orient == "count":
                self.pos += self.record[1]
            return self._read(self._data())
        if base == 0x0E:
            if self.orient != "count":
                self._next_count(multitrack)
            return self._read(self._key_and_data())
        if base == 0x1E:
            count = self._next_count(multitrack)
            return self._read(count + self._key_and_data())
        if command == 0x5E:
            return Input(self._read_multiple())
        if command == 0x02:
            if self.mask_set:
                return self._sequence()
            self.ipl = True
            self._load(0, 0)
            self._next_count(False)
            self.pos += self.record[1]          # the data only: past the key
            return self._read(self._data())
        if command in (0x19, 0x15, 0x1D, 0x11, 0x05, 0x0D):
            return self._write(command, enables)
        if command == 0xE4 and self.geometry.cu_type == 0x3880:
            g = self.geometry
            return Input(b"\xff" + g.cu_type.to_bytes(2, "big") + bytes([g.cu_model])
                         + g.devtype.to_bytes(2, "big") + bytes([g.model]))
        if command == 0xB4:
            if previous is not None:
                return self._sequence()
            self.reserved = True
            return Input(self._sense_data())
        if command == 0x94:
            if self.mask_set:
                return self._sequence()
            self.reserved = False
            return Input(self._sense_data())
        return self._reject()

    # --- reading --------------------------------------------------------
    def _key_and_data(self) -> bytes:
        """The key and data of the record whose count was just read."""
        _, kl, dl = self.record
        data = self._field(kl + dl)
        self.pos += kl + dl
        self.orient = "data"
        return data

    def _data(self) -> bytes:
        """The data area at the current position (after the key)."""
        data = self._field(self.record[2])
        self.pos += self.record[2]
        self.orient = "data"
        return data

    def _read(self, data: bytes) -> Input:
        """A read of the current record: unit exception when its data length
        is zero."""
        return Input(data, CE_DE | UNIT_EXCEPTION if self.record[2] == 0 else CE_DE)

    def _read_multiple(self) -> bytes:
        self._image()
        if self.orient == "eot":
            self._to_index()
        out = bytearray()
        while True:
            self._past_record()
            count = self._field(COUNT)
            if count == END_OF_TRACK:
                self.orient = "eot"
                return bytes(out)
            self.pos += COUNT
            self.orient = "count"
            self.record = (count[4], count[5], int.from_bytes(count[6:8], "big"))
            if count[4] == 0:
                continue
            out += count + self._key_and_data()

    # --- seeks and the file mask ----------------------------------------
    def _seek(self, command: int) -> Start:
        seeks = self.mask & MASK_SEEKS
        allowed = {0x07: (SEEKS_ALL,), 0x0B: (SEEKS_ALL, SEEKS_CYLINDER_HEAD),
                   0x1B: (SEEKS_ALL, SEEKS_CYLINDER_HEAD, SEEKS_HEAD)}[command]
        if seeks not in allowed:
            raise _Check(0, FILE_PROTECTED)

        def finish(data: bytes) -> int:
            if len(data) < 6:
                self._set_sense(COMMAND_REJECT)
                return CE_DE | UNIT_CHECK
            cyl = self.cyl if command == 0x1B else int.from_bytes(data[2:4], "big")
            head = int.from_bytes(data[4:6], "big")
            try:
                if data[0:2] != b"\0\0" or cyl >= self.volume.cylinders \
                        or head >= self.volume.heads:
                    raise _Check(COMMAND_REJECT | SEEK_CHECK)
                self._load(cyl, head)
            except _Check as check:
                return self._unit_check(check)
            return CE_DE
        return Output(6, finish)

    def _set_file_mask(self, data: bytes) -> int:
        if not data or data[0] & MASK_RESERVED:
            self._set_sense(COMMAND_REJECT)
            return CE_DE | UNIT_CHECK
        self.mask = data[0]
        self.mask_set = True
        return CE_DE

    # --- searches -------------------------------------------------------
    def _compare(self, command: int, field: bytes, argument: bytes) -> bool:
        disk = field[:len(argument)]
        return bool((command & 0x20 and disk == argument)
                    or (command & 0x40 and disk > argument))

    def _search_id(self, command: int, multitrack: bool) -> Start:
        count = self._next_count(multitrack, skip_r0=False)

        def finish(argument: bytes) -> int:
            if not self._compare(command, count[:5], argument):
                return CE_DE
            if command & 0x7F == 0x31 and len(argument) == 5:
                self.enables = "id"
            return CE_DE | STATUS_MODIFIER
        return Output(5, finish, exact=False)

    def _search_key(self, command: int, multitrack: bool) -> Start:
        if self.orient != "count":
            self._next_count(multitrack)
        kl = self.record[1]
        key = self._field(kl)
        self.pos += kl
        self.orient = "key"
        if kl == 0:
            # No key to compare: the search ends, not satisfied, before the
            # channel sends its argument (incorrect length unless suppressed).
            return ended_without_data(command, CE_DE)

        def finish(argument: bytes) -> int:
            if not self._compare(command, key, argument):
                return CE_DE
            if command & 0x7F == 0x29 and len(argument) == kl:
                self.enables = "key"
            return CE_DE | STATUS_MODIFIER
        return Output(kl, finish, exact=False)

    def _search_ha(self, multitrack: bool) -> Start:
        # The home address follows the index point: the single-track search
        # passes it (a second time in a chain: no record found).
        self._image()
        self._index_point(multitrack)
        home = self._image()[1:HA]
        self._to_index()

        def finish(argument: bytes) -> int:
            if home[:len(argument)] != argument:
                return CE_DE
            if len(argument) == 4:
                self.enables = "ha"
            return CE_DE | STATUS_MODIFIER
        return Output(4, finish, exact=False)

    # --- writes ---------------------------------------------------------
    def _write(self, command: int, enables: str | None) -> Start:
        order = {0x19: (None, "ha", "id", "key", "r0", "ckd", "wha"),
                 0x15: ("ha", "wha"), 0x1D: ("id", "key", "r0", "ckd"),
                 0x11: ("id", "key", "r0", "ckd"), 0x05: ("id", "key"),
                 0x0D: ("id",)}[command]
        if enables not in order:
            return self._sequence()
        writes = self.mask & MASK_WRITES
        permitted = {0x19: (WRITES_ALL,), 0x15: (WRITES_ALL,),
                     0x1D: (WRITES_ALL, WRITES_INHIBIT_HA_R0),
                     0x11: (WRITES_ALL, WRITES_INHIBIT_HA_R0),
                     0x05: (WRITES_ALL, WRITES_INHIBIT_HA_R0, WRITES_UPDATE_ONLY),
                     0x0D: (WRITES_ALL, WRITES_INHIBIT_HA_R0, WRITES_UPDATE_ONLY)}
        if writes not in permitted[command]:
            return self._reject(FILE_PROTECTED)
        if self.volume.readonly:
            raise _Check(EQUIPMENT_CHECK, WRITE_INHIBITED)
        track = self._image()
        if command == 0x19:
            def home(data: bytes) -> int:
                return self._finish_write(
                    lambda: self._rewrite(0, data.ljust(HA, b"\0")[:HA], "index", "wha"))
            return Output(HA, home)
        if command in (0x05, 0x0D):
            _, kl, dl = self.record
            if self.orient == "count" and command == 0x05:
                self.pos += kl
            start = self.pos
            n = dl if command == 0x05 else kl + dl
            if dl == 0:                     # an end-of-file record
                return ended_without_data(command, CE_DE | UNIT_EXCEPTION)

            def update(data: bytes) -> int:
                def act() -> None:
                    new = track[:start] + data.ljust(n, b"\0")[:n] + track[start + n:]
                    self._store(new)
                    self.pos = start + n
                    self.orient = "data"
                return self._finish_write(act)
            return Output(n, update)
        # WRITE R0, WRITE CKD, ERASE: a new record after the current one.
        if command == 0x15:
            self._to_index()
        else:
            self._past_record()
        start = self.pos
        used = self._records_before() if command != 0x15 else 0

        def size(head: bytes) -> int:
            count = head.ljust(COUNT, b"\0")
            return COUNT + count[5] + int.from_bytes(count[6:8], "big")

        def record(data: bytes) -> int:
            count = data.ljust(COUNT, b"\0")[:COUNT]
            kl, dl = count[5], int.from_bytes(count[6:8], "big")
            n = COUNT + kl + dl

            def act() -> None:
                if command != 0x15 and not self.geometry.record_fits(used, kl, dl):
                    raise _Check(0, INVALID_TRACK_FORMAT)
                if command == 0x11:
                    self._rewrite(start, b"", "eot", None)
                    return
                self._rewrite(start, data.ljust(n, b"\0")[:n], "data",
                              "r0" if command == 0x15 else "ckd")
                self.record = (count[4], kl, dl)
            return self._finish_write(act)
        return Output(COUNT, record, size=size)

    def _rewrite(self, start: int, new: bytes, orient: str, enables: str | None) -> None:
        """Write ``new`` at ``start``: the rest of the track is erased."""
        track = self._image()
        self._store(track[:start] + new + END_OF_TRACK)
        self.pos = start + len(new)
        self.orient = orient
        self.enables = enables

    def _finish_write(self, act: Callable[[], None]) -> int:
        try:
            act()
        except _Check as check:
            return self._unit_check(check)
        return CE_DE
