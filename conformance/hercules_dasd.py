"""CKD disks and 3420 tapes on the reference machine and on Hercules 3.13.

Each *scenario* is one S/370 program that runs a list of channel programs on one
device (a CKD volume at X'150' or a 3420 tape at X'180') and records, for each,
what the channel and the device answered; then it stops in a disabled wait.  The
same program runs on the reference machine (``reference.machine.machine.Machine``
with the device attached through ``reference.io.channel.ChannelSubsystem``, on a
fresh copy of the scenario's volume or tape file) and on Hercules (one process per
scenario, configured with another fresh copy).  Compared: the PSW, the general and
control registers, storage (the program, its channel programs, data areas and the
results area) and, after both have ended, the two volume files track by track
(both read with ``reference.io.dasd.open_image``: the contents of each track, not
the bytes of the file, so a compressed image compares as well) or the two tape
files block by block (``reference.io.tape.TapeFile``).

The driver.  Step ``i`` of a scenario names a channel program and a device; the
driver stores the CAW, clears the CSW, gives START I/O and, when it started
(CC 0), TEST I/O until the condition code is no longer 2 (the channel program has
ended and TEST I/O stored its CSW); if the unit status has channel end without
device end it waits the same way for a second status.  Then it reads the device's sense bytes with a
SENSE channel program (X'04', 24 bytes, SLI) the same way.  The result of step
``i`` is a 96-byte record at ``LOG + 96 * i``:

    +0   BALR byte after SIO: X'40' + CC * X'10'      +1  the same after TEST I/O
    +2   the same after the second TEST I/O (no device end in the first status)
    +8   the CSW of the channel program               +16 the second CSW, if any
    +24  SIO condition of the SENSE program, +32 its CSW (+25, +26, +40 as above)
    +48  the sense bytes (24)

IPL scenarios start the machine by initial program loading from the device
(Hercules: ``ipl 0150``) instead of a restart interruption: the first record or
block holds the IPL PSW and a READ of the driver itself (the rest of the program
image) from the next record or block; the driver then runs its steps.

Differences are decided from the manuals and Hercules' source (ckddasd.c,
tapeccws.c, channel.c of the 3.x line, rbowler/spinhawk) and listed in
docs/hercules-differences.md, section "CKD disks and 3420 tapes" (entries
H10, H11, H13, H14, H16, M13-M16; R2).  Two kinds: a difference in one field of every results record
it touches is a rule (``RULES``: given the reference's record and Hercules', it
recognises exactly the entry's difference and takes it out); the consequences of
the others (a chain that ends elsewhere, a record written or not) are the exact
comparison lines of ``KNOWN``.  tests/test_hercules_dasd.py expects exactly
those lines and every rule to be used (strict).

``python -m conformance.hercules_dasd [names...]`` runs the scenarios and prints
every difference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference.arch.ebcdic import to_ebcdic
from reference.asm.assembler import assemble as assemble_source
from reference.io import dasd
from reference.io.channel import ChannelSubsystem
from reference.io.ckd import CKDDevice
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.tape import Tape3420, TapeFile
from reference.machine.machine import Machine

from . import hercules as H

DISK = 0x150
TAPE = 0x180
LOG = 0x10000
SLOT = 96
MAX_STEPS = 2_000_000
CYLINDERS = 4              # every volume: 4 cylinders of its type

# CCW flags
CD, CC, SLI, SKIP = 0x80, 0x40, 0x20, 0x10


@dataclass(frozen=True)
class CCW:
    """One CCW: ``data`` a data label, an absolute address or, for TIC, the
    (negative) index of the target relative to this CCW."""

    cmd: int
    data: str | int = 0
    flags: int = 0
    count: int = 1


def tic(back: int = -1) -> CCW:
    return CCW(0x08, back, 0, 1)


@dataclass
class Scenario:
    """One program: its channel programs (name -> CCWs), data areas (label ->
    initial bytes), the steps (channel program, device) and the device."""

    name: str
    device: str                                     # "3330", "3350", "2314", "tape"
    programs: dict[str, list[CCW]]
    data: dict[str, bytes]
    steps: list[tuple[str, int]]
    compress: str | None = None                     # CCKD compression; tape: "het"
    prepare: Callable[[str], None] | None = None    # fills the new volume/tape file
    ipl: bool = False                               # started by IPL, not restart
    description: str = ""


# ---------------------------------------------------------------------------
# The program
# ---------------------------------------------------------------------------
DRIVER = f"""\
PROG     START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   PROG+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop
         ORG   PROG+X'200'
BEGIN    BALR  12,0
         USING *,12
         L     10,LOGAT
         LA    9,STEPS
DRVNEXT  L     1,0(0,9)
         LTR   1,1
         BZ    FINISH
         L     2,4(0,9)
         LR    11,10
         CR    9,9                     CC 0 at each call: R14 does not depend on it
         BAL   14,DOIO
         LA    11,24(0,10)
         LA    3,48(0,10)
         STCM  3,7,SENSECP+1
         LA    1,SENSECP
         CR    9,9
         BAL   14,DOIO
         LA    10,{SLOT}(0,10)
         LA    9,8(0,9)
         B     DRVNEXT
FINISH   LPSW  DONE
*
DOIO     ST    1,X'48'                 CAW: key 0, the channel program
         XC    X'40'(8,0),X'40'(0)
         SIO   0(2)
         BALR  15,0
         STCM  15,8,0(11)
         BC    8,TIO1                  CC 0: started
         BC    4,CSW1                  CC 1: the CSW was stored
         BR    14                      CC 2 or 3
TIO1     TIO   0(2)
         BC    2,TIO1                  CC 2: working
         BALR  15,0
         STCM  15,8,1(11)
CSW1     MVC   8(8,11),X'40'(0)
         TM    12(11),X'0C'            channel end without device end?
         BCR   13,14                   no (both, or no channel end): done
         XC    X'40'(8,0),X'40'(0)
TIO2     TIO   0(2)
         BC    10,TIO2                 CC 0 or 2: not yet
         BALR  15,0
         STCM  15,8,2(11)
         MVC   16(8,11),X'40'(0)
         BR    14
*
         DS    0D
DONE     DC    X'000A0000',A(0)        EC mode, disabled wait
SENSECP  DC    X'04',AL3(0),X'{SLI:02X}',X'00',AL2(24)
LOGAT    DC    A(X'{LOG:X}')
"""


def _operand(value: str | int) -> str:
    return f"AL3({value})" if isinstance(value, str) else f"AL3(X'{value:X}')"


def source(s: Scenario) -> str:
    """The assembler source of the scenario's program."""
    lines = [DRIVER, "         DS    0F", "STEPS    DS    0F"]
    for program, device in s.steps:
        lines.append(f"         DC    A({program}),A(X'{device:X}')")
    lines.append("         DC    A(0),A(0)")
    for name, ccws in s.programs.items():
        lines.append("         DS    0D")
        for i, c in enumerate(ccws):
            label = f"{name}" if i == 0 else f"{name}_{i}"
            if c.cmd == 0x08:
                assert isinstance(c.data, int) and c.data < 0
                target = name if i + c.data == 0 else f"{name}_{i + c.data}"
                data = f"AL3({target})"
            else:
                data = _operand(c.data)
            lines.append(f"{label:<8} DC    X'{c.cmd:02X}',{data},X'{c.flags:02X}',X'00',"
                         f"AL2({c.count})")
    for label, blob in s.data.items():
        lines.append("         DS    0D")
        if blob.strip(b"\0"):
            lines.append(f"{label:<8} DC    X'{blob.hex().upper()}'")
        else:
            lines.append(f"{label:<8} DS    XL{len(blob)}")
    lines.append("         END")
    return "\n".join(lines) + "\n"


def image_of(s: Scenario) -> bytes:
    image = bytes(assemble_source(source(s), s.name).image)
    if len(image) > LOG:
        raise ValueError(f"{s.name}: the program reaches the results area")
    return image


def symbols(s: Scenario) -> dict[str, int]:
    """The addresses of the program's labels (data areas, channel programs)."""
    return dict(assemble_source(source(s), s.name).symbols)


def ranges_of(s: Scenario, image: bytes) -> list[tuple[int, int]]:
    """Storage compared: the image (low storage and the program) and the results."""
    return [(0, len(image) - 1), (LOG, LOG + SLOT * len(s.steps) - 1)]


# ---------------------------------------------------------------------------
# Device files
# ---------------------------------------------------------------------------
def file_name(s: Scenario) -> str:
    if s.device == "tape":
        return "tape.het" if s.compress == "het" else "tape.aws"
    return "volume.cckd" if s.compress else "volume.ckd"


def make_file(s: Scenario, path: str) -> None:
    """The scenario's device file, new: a formatted volume of CYLINDERS cylinders
    (then ``prepare``), or an empty tape (then ``prepare``)."""
    if s.device == "tape":
        Path(path).write_bytes(b"")
    else:
        dasd.create(path, s.device, "S370DK", s.compress, cylinders=CYLINDERS)
    if s.prepare is not None:
        s.prepare(path)


def hercules_config(s: Scenario, path: str) -> str:
    device = "3420" if s.device == "tape" else s.device
    address = TAPE if s.device == "tape" else DISK
    return H.CONFIG + f"{address:04X} {device} {path}\n"


def attach(s: Scenario, m: Machine, path: str) -> ChannelSubsystem:
    channels = ChannelSubsystem(m)
    if s.device == "tape":
        fmt = "het" if s.compress == "het" else "aws"
        channels.attach(TAPE, Tape3420(Path(path), fmt))
    else:
        channels.attach(DISK, CKDDevice(dasd.open_image(path)))
    m.channels = channels
    return channels


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
@dataclass
class Outcome:
    """``diffs``: every difference left after the rules (``rules``: the entries
    that explained some); ``raw``: every difference before them."""

    ref: H.Result
    herc: H.Result
    diffs: list[str] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)
    raw: list[str] = field(default_factory=list)


def run_reference(s: Scenario, image: bytes, path: str,
                  ranges: list[tuple[int, int]]) -> H.Result:
    t0 = time.monotonic()
    m = Machine(H.STORAGE_SIZE)
    channels = attach(s, m, path)
    try:
        if s.ipl:
            failed = channels.ipl(TAPE if s.device == "tape" else DISK)
            if failed is not None:
                raise RuntimeError(f"{s.name}: IPL failed on the reference: {failed}")
        else:
            m.load_image(image, 0)
            m.restart_interruption()
        stopped = m.run(MAX_STEPS)
    finally:
        channels.close()
    storage = {(a, b): bytes(m.mem[a:b + 1]) for a, b in ranges}
    return H.Result(stopped=stopped, psw=m.psw_value(), gpr=list(m.gpr), cr=list(m.cr),
                    storage=storage, keys={}, prefix=m.prefix,
                    elapsed=time.monotonic() - t0, fpr=list(m.fpr))


def run_hercules(s: Scenario, image: bytes, path: str,
                 ranges: list[tuple[int, int]]) -> H.Result:
    with H.Hercules(config_text=hercules_config(s, path)) as herc:
        if s.ipl:
            address = TAPE if s.device == "tape" else DISK
            result = herc.run_started(b"", f"ipl {address:04X}", ranges, timeout=20)
        else:
            result = herc.run(image, ranges, timeout=20, key_blocks=[])
    # Hercules writes the volume back (and a compressed image's tables) as it
    # closes the device: the file is compared after the process has ended.
    return result


def compare_volumes(ref_path: str, herc_path: str) -> list[str]:
    out: list[str] = []
    with dasd.open_image(ref_path, readonly=True) as a, \
            dasd.open_image(herc_path, readonly=True) as b:
        if (a.cylinders, a.heads) != (b.cylinders, b.heads):
            return [f"volume: reference {a.cylinders}x{a.heads}, "
                    f"hercules {b.cylinders}x{b.heads}"]
        for cyl in range(a.cylinders):
            for head in range(a.heads):
                ta, tb = a.read_track(cyl, head), b.read_track(cyl, head)
                if ta != tb:
                    out.append(f"track {cyl}/{head}: reference {_records(ta)}, "
                               f"hercules {_records(tb)}")
    return out


def _records(track: bytes) -> str:
    try:
        recs = dasd.parse_track(track)
    except Exception:   # a malformed track: show its start
        return "malformed " + track[:32].hex().upper()
    return " ".join(f"R{r.record}({len(r.key)},{len(r.data)}:{r.data[:4].hex().upper()})"
                    for r in recs)


def tape_blocks(path: str) -> list[bytes | None]:
    """Every block (None: a tape mark) of a tape file from the load point."""
    tape = TapeFile(Path(path), writable=False)
    out: list[bytes | None] = []
    try:
        while True:
            b = tape.forward()
            if b.kind == "end":
                return out
            out.append(None if b.kind == "mark" else b.data)
    finally:
        tape.close()


def _show(block: bytes | None) -> str:
    return "TM" if block is None else f"{len(block)}:{block[:8].hex().upper()}"


def compare_tapes(ref_path: str, herc_path: str) -> list[str]:
    a, b = tape_blocks(ref_path), tape_blocks(herc_path)
    out = []
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "absent"
        y = b[i] if i < len(b) else "absent"
        if x != y:
            sx = x if isinstance(x, str) else _show(x)
            sy = y if isinstance(y, str) else _show(y)
            out.append(f"tape block {i}: reference {sx}, hercules {sy}")
    return out


# What the entries of docs/hercules-differences.md predict for a results
# record: each rule takes the reference's record and Hercules', and when
# Hercules' differs from the reference's exactly as the entry says, makes that
# part of Hercules' record equal to the reference's.  The rules used are
# counted (``Outcome.rules``); what they do not explain is a difference.
DRIVE_ID = {"3330": (DISK & 7) | ((~DISK & 7) << 3), "3350": 0x80 >> (DISK & 7)}
TAPE_SENSE_13_20 = bytes.fromhex("8001000100 00FFFF".replace(" ", ""))
SENSE = 48


def _rule_m13(s: Scenario, r: bytes, h: bytearray) -> bool:
    """M13: CKD sense byte 4, the physical drive (3330: X'38' for device 0 of the
    string, 3350: X'80'); the reference reports zero."""
    at = SENSE + 4
    if s.device in DRIVE_ID and h[at] == DRIVE_ID[s.device] and r[at] == 0:
        h[at] = 0
        return True
    return False


def _rule_m14(s: Scenario, r: bytes, h: bytearray) -> bool:
    """M14: an immediate command without chaining: the reference ends it within
    START I/O (CC 1, CSW stored), Hercules starts it (CC 0) and TEST I/O finds
    the same CSW (CC 1)."""
    used = False
    for at in (0, 24):
        if r[at:at + 3] == b"\x50\0\0" and h[at:at + 3] == b"\x40\x50\0":
            h[at:at + 3] = r[at:at + 3]
            used = True
    return used


def _rule_m16(s: Scenario, r: bytes, h: bytearray) -> bool:
    """M16: 3420 sense bytes 13-20 X'8001000100 00FFFF' on Hercules."""
    at = SENSE + 13
    if s.device == "tape" and h[at:at + 8] == TAPE_SENSE_13_20 and not any(r[at:at + 8]):
        h[at:at + 8] = bytes(8)
        return True
    return False


def _rule_h10(s: Scenario, r: bytes, h: bytearray) -> bool:
    """H10: 3420 sense byte 1 X'04' write status: never on Hercules."""
    at = SENSE + 1
    if s.device == "tape" and r[at] & 0x04 and not h[at] & 0x04:
        h[at] |= 0x04
        return True
    return False


def _rule_h11(s: Scenario, r: bytes, h: bytearray) -> bool:
    """H11: a command rejected at initiation: the reference presents unit check
    alone (SIO or TIO CC 1, the CSW count the CCW's), Hercules channel end,
    device end and unit check with incorrect length; then (H13) Hercules' sense
    lacks the qualifying bit the reference gives with command reject, and (M15)
    gives a format-0 message code in byte 7."""
    used = False
    for at in (8, 16):
        if (r[at + 4] == 0x02 and h[at + 4] == 0x0E and h[at + 5] == r[at + 5] | 0x40
                and h[at:at + 4] == r[at:at + 4] and h[at + 6:at + 8] == r[at + 6:at + 8]):
            h[at:at + 8] = r[at:at + 8]
            used = True
    return used


def _rule_h13(s: Scenario, r: bytes, h: bytearray) -> bool:
    """H13: command reject on a CKD device: the reference adds seek check (byte
    0 X'01'), file protected (byte 1 X'04') or, 2311/2314, invalid sequence
    (byte 1 X'10'); Hercules gives command reject alone."""
    if s.device == "tape" or not r[SENSE] & 0x80 or not h[SENSE] & 0x80:
        return False
    used = False
    if r[SENSE] == h[SENSE] | 0x01 and r[SENSE] != h[SENSE]:
        h[SENSE] = r[SENSE]
        used = True
    extra = r[SENSE + 1] & ~h[SENSE + 1]
    if extra in (0x04, 0x10) and not h[SENSE + 1] & ~r[SENSE + 1]:
        h[SENSE + 1] = r[SENSE + 1]
        used = True
    return used


def _rule_m15(s: Scenario, r: bytes, h: bytearray) -> bool:
    """M15: CKD command reject: Hercules' sense byte 7 is a format-0 message
    code (2 invalid sequence, 3 count too small, 4 invalid argument); the
    reference's is zero."""
    at = SENSE + 7
    if (s.device != "tape" and r[SENSE] & 0x80 and h[SENSE] & 0x80 and r[at] == 0
            and h[at] in (2, 3, 4)):
        h[at] = 0
        return True
    return False


RULES: dict[str, Callable[[Scenario, bytes, bytearray], bool]] = {
    "M13": _rule_m13, "M14": _rule_m14, "M16": _rule_m16, "H10": _rule_h10,
    "H11": _rule_h11, "H13": _rule_h13, "M15": _rule_m15,
}


def normalize(s: Scenario, ref: bytes, herc: bytes) -> tuple[bytes, set[str]]:
    """Hercules' results area with every difference a rule explains removed;
    the rules that explained something."""
    out = bytearray(herc)
    used: set[str] = set()
    for i in range(len(s.steps)):
        r = ref[i * SLOT:(i + 1) * SLOT]
        h = bytearray(out[i * SLOT:(i + 1) * SLOT])
        for name, rule in RULES.items():
            if rule(s, r, h):
                used.add(name)
        out[i * SLOT:(i + 1) * SLOT] = h
    return bytes(out), used


def step_diffs(s: Scenario, ref: bytes, herc: bytes) -> list[str]:
    """The results records that differ, field by field, named by step."""
    out = []
    fields = (("cc", 0, 3), ("csw", 8, 16), ("csw2", 16, 24), ("sense-cc", 24, 27),
              ("sense-csw", 32, 40), ("sense-csw2", 40, 48), ("sense", 48, 72))
    for i, (program, _) in enumerate(s.steps):
        ra, rb = ref[i * SLOT:(i + 1) * SLOT], herc[i * SLOT:(i + 1) * SLOT]
        for name, lo, hi in fields:
            if ra[lo:hi] != rb[lo:hi]:
                out.append(f"step {i} {program} {name}: reference {ra[lo:hi].hex().upper()}, "
                           f"hercules {rb[lo:hi].hex().upper()}")
    return out


def check(s: Scenario, keep: str | None = None) -> Outcome:
    """Run the scenario on both machines and compare everything."""
    image = image_of(s)
    ranges = ranges_of(s, image)
    work = tempfile.mkdtemp(prefix="s370-dasd-")
    try:
        original = os.path.join(work, "original-" + file_name(s))
        make_file(s, original)
        if s.ipl:
            install_ipl(s, original, image)
        ref_path = os.path.join(work, "ref-" + file_name(s))
        herc_path = os.path.join(work, "herc-" + file_name(s))
        shutil.copyfile(original, ref_path)
        shutil.copyfile(original, herc_path)
        ref = run_reference(s, image, ref_path, ranges)
        herc = run_hercules(s, image, herc_path, ranges)
        results = (LOG, LOG + SLOT * len(s.steps) - 1)
        program_only = H.Result(ref.stopped, ref.psw, ref.gpr, ref.cr,
                                {k: v for k, v in ref.storage.items() if k != results},
                                {}, ref.prefix, fpr=ref.fpr)
        diffs = H.compare(program_only, herc)
        if s.device == "tape":
            diffs += compare_tapes(ref_path, herc_path)
        else:
            diffs += compare_volumes(ref_path, herc_path)
        rlog, hlog = ref.storage[results], herc.storage.get(results, b"")
        normal, used = normalize(s, rlog, hlog)
        if keep:
            shutil.copytree(work, keep, dirs_exist_ok=True)
        return Outcome(ref, herc, diffs + step_diffs(s, rlog, normal), used,
                       diffs + step_diffs(s, rlog, hlog))
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------
# Building blocks of the scenarios
# ---------------------------------------------------------------------------
def seek(c: int, h: int) -> bytes:
    return bytes(2) + c.to_bytes(2, "big") + h.to_bytes(2, "big")


def cchhr(c: int, h: int, r: int) -> bytes:
    return c.to_bytes(2, "big") + h.to_bytes(2, "big") + bytes([r])


def count(c: int, h: int, r: int, kl: int, dl: int) -> bytes:
    return cchhr(c, h, r) + bytes([kl]) + dl.to_bytes(2, "big")


def pattern(seed: int, n: int) -> bytes:
    return bytes((seed * 7 + i * 13) & 0xFF for i in range(n))


def ebcdic(text: str) -> bytes:
    return to_ebcdic(text)


def fill_tracks(records: dict[tuple[int, int], list[tuple[int, bytes, bytes]]]
                ) -> Callable[[str], None]:
    """A ``prepare`` that writes tracks: (cyl, head) -> [(r, key, data)], after
    an R0 of 8 zero bytes."""
    def prepare(path: str) -> None:
        with dasd.open_image(path) as img:
            for (c, h), recs in records.items():
                rs = [dasd.Record(c, h, 0, b"", bytes(8))]
                rs += [dasd.Record(c, h, r, k, d) for r, k, d in recs]
                img.write_track(c, h, dasd.build_track(c, h, rs))
    return prepare


# The records of the read scenarios: cylinder 2, heads 0, 1 and 3.
def _read_records() -> dict[tuple[int, int], list[tuple[int, bytes, bytes]]]:
    return {
        (2, 0): [(1, ebcdic("KEY1"), pattern(1, 100)), (2, ebcdic("KEY2"), pattern(2, 200)),
                 (3, b"", pattern(3, 50)), (4, ebcdic("KEY4"), b"")],
        (2, 1): [(1, ebcdic("KEY5"), pattern(5, 64)), (2, ebcdic("KEY6"), pattern(6, 80))],
        (2, 3): [(9, ebcdic("KEY9"), pattern(9, 120))],
    }


def format_scenario(device: str, compress: str | None = None) -> Scenario:
    """Format two tracks of cylinder 1 (SEARCH HA / WRITE R0 / WRITE CKD), read
    them back, and a record the track cannot hold (invalid track format)."""
    g = GEOMETRIES[device]
    big = g.max_record_data
    data = {
        "SK10": seek(1, 0), "SK11": seek(1, 1), "HA10": cchhr(1, 0, 0)[:4],
        "HA11": cchhr(1, 1, 0)[:4],
        "R0A": count(1, 0, 0, 0, 8) + pattern(0, 8),
        "R1A": count(1, 0, 1, 4, 80) + ebcdic("AAAA") + pattern(11, 80),
        "R2A": count(1, 0, 2, 0, 300) + pattern(12, 300),
        "R3A": count(1, 0, 3, 8, 0) + ebcdic("ENDOFILE"),
        "R0B": count(1, 1, 0, 0, 8) + bytes(8),
        "R1B": count(1, 1, 1, 0, big),
        "R2B": count(1, 1, 2, 0, 100) + pattern(14, 100),
        "ID11": cchhr(1, 1, 1),
        "BIG": bytes(big),
        "BUF": bytes(1024),
        "BUF2": bytes(1024),
    }
    return Scenario(
        name=f"format-{device}" + (f"-{compress}" if compress else ""),
        device=device, compress=compress,
        description="format tracks with WRITE R0 and WRITE CKD after SEARCH HA, "
                    "read them back; a record that does not fit",
        programs={
            "FMT0": [CCW(0x07, "SK10", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                     CCW(0x39, "HA10", CC, 4), tic(),
                     CCW(0x15, "R0A", CC, 16), CCW(0x1D, "R1A", CC, 92),
                     CCW(0x1D, "R2A", CC, 308), CCW(0x1D, "R3A", 0, 16)],
            "FMT1": [CCW(0x07, "SK11", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                     CCW(0x39, "HA11", CC, 4), tic(),
                     CCW(0x15, "R0B", CC, 16), CCW(0x1D, "R1B", CD, 8),
                     CCW(0x00, "BIG", CC, big), CCW(0x1D, "R2B", 0, 108)],
            "READ0": [CCW(0x07, "SK10", CC, 6), CCW(0x16, "BUF", CC | SLI, 64),
                      CCW(0x1E, "BUF+16", CC, 100), CCW(0x1E, "BUF+128", CC, 308),
                      CCW(0x12, "BUF+448", CC, 8), CCW(0x06, "BUF+456", 0, 4)],
            "READ1": [CCW(0x07, "SK11", CC, 6), CCW(0x31, "ID11", CC, 5), tic(),
                      CCW(0x12, "BUF2", CC, 8), CCW(0x1A, "BUF2+8", 0, 5)],
            "OVER": [CCW(0x07, "SK11", CC, 6), CCW(0x31, "ID11", CC, 5), tic(),
                     CCW(0x1D, "R2B", 0, 108)],
            "RMULT": [CCW(0x07, "SK10", CC, 6), CCW(0x5E, "BUF+512", SLI, 500)],
        },
        data={"MASKALL": b"\xc0", **data},
        steps=[("FMT0", DISK), ("FMT1", DISK), ("READ0", DISK), ("READ1", DISK),
               ("OVER", DISK), ("RMULT", DISK)],
    )


def search_scenario(device: str, compress: str | None = None) -> Scenario:
    """Write and read records by SEARCH ID EQUAL and SEARCH KEY EQUAL with TIC
    loops; searches that find nothing; end-of-file records."""
    data = {
        "SK20": seek(2, 0), "SK21": seek(2, 1),
        "ID2": cchhr(2, 0, 2), "ID3": cchhr(2, 0, 3), "ID4": cchhr(2, 0, 4),
        "ID7": cchhr(2, 0, 7), "ID0": cchhr(2, 0, 0),
        "KEY2": ebcdic("KEY2"), "KEY4": ebcdic("KEY4"), "KEY6": ebcdic("KEY6"),
        "KEYX": ebcdic("KEYX"),
        "NEW2": pattern(22, 200), "NEWK1": ebcdic("KEYA") + pattern(21, 100),
        "R3NEW": count(2, 1, 3, 4, 40) + ebcdic("KEY7") + pattern(23, 40),
        "BUF": bytes(2048),
    }
    return Scenario(
        name=f"search-{device}" + (f"-{compress}" if compress else ""),
        device=device, compress=compress, prepare=fill_tracks(_read_records()),
        description="SEARCH ID EQUAL and SEARCH KEY EQUAL loops, writes and reads",
        programs={
            "RDID": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID2", CC, 5), tic(),
                     CCW(0x06, "BUF", CC, 200), CCW(0x31, "ID3", CC, 5), tic(),
                     CCW(0x0E, "BUF+200", 0, 50)],
            "RDKEY": [CCW(0x07, "SK20", CC, 6), CCW(0x29, "KEY2", CC, 4), tic(),
                      CCW(0x06, "BUF+256", 0, 200)],
            "WRID": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                     CCW(0x31, "ID2", CC, 5), tic(),
                     CCW(0x05, "NEW2", 0, 200)],
            "WRKD": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                     CCW(0x31, "ID2", CC, 5), tic(), CCW(0x0D, "NEWK1", CC, 204),
                     CCW(0x31, "ID2", CC, 5), tic(), CCW(0x1E, "BUF+512", SLI, 300)],
            "WRKEY": [CCW(0x07, "SK21", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                      CCW(0x29, "KEY6", CC, 4), tic(), CCW(0x1D, "R3NEW", 0, 52)],
            "RDAGAIN": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID2", CC, 5), tic(),
                        CCW(0x0E, "BUF+800", 0, 204)],
            "NOID": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID7", CC, 5), tic(),
                     CCW(0x06, "BUF+1024", 0, 8)],
            "NOKEY": [CCW(0x07, "SK20", CC, 6), CCW(0x29, "KEYX", CC, 4), tic(),
                      CCW(0x06, "BUF+1024", 0, 8)],
            "EOF": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID4", CC, 5), tic(),
                    CCW(0x06, "BUF+1040", 0, 8)],
            "EOFKEY": [CCW(0x07, "SK20", CC, 6), CCW(0x29, "KEY4", CC, 4), tic(),
                       CCW(0x06, "BUF+1040", SLI, 8)],
            "R0": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID0", CC, 5), tic(),
                   CCW(0x06, "BUF+1056", 0, 8), CCW(0x12, "BUF+1064", CC, 8),
                   CCW(0x12, "BUF+1072", 0, 8)],
            "LONG": [CCW(0x07, "SK20", CC, 6), CCW(0x31, "ID3", CC, 5), tic(),
                     CCW(0x06, "BUF+1100", 0, 60)],
            "SEQ": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "MASKALL", CC, 1),
                    CCW(0x12, "BUF+1200", CC, 8), CCW(0x05, "NEW2", 0, 200)],
        },
        data={"MASKALL": b"\xc0", **data},
        steps=[(p, DISK) for p in ("RDID", "RDKEY", "WRID", "WRKD", "WRKEY", "RDAGAIN",
                                   "NOID", "NOKEY", "EOF", "EOFKEY", "R0", "LONG", "SEQ")],
    )


def multitrack_scenario(device: str, compress: str | None = None) -> Scenario:
    """Multitrack searches and reads: across heads, to the end of the cylinder."""
    data = {
        "SK20": seek(2, 0), "SK22": seek(2, 2),
        "ID9": cchhr(2, 3, 9), "IDX": cchhr(2, 9, 99), "KEY6": ebcdic("KEY6"),
        "KEY9": ebcdic("KEY9"), "BUF": bytes(1024),
    }
    return Scenario(
        name=f"multitrack-{device}" + (f"-{compress}" if compress else ""),
        device=device, compress=compress, prepare=fill_tracks(_read_records()),
        description="multitrack SEARCH ID/KEY and reads across heads and to the end "
                    "of the cylinder",
        programs={
            "MTID": [CCW(0x07, "SK20", CC, 6), CCW(0xB1, "ID9", CC, 5), tic(),
                     CCW(0x06, "BUF", 0, 120)],
            "MTKEY": [CCW(0x07, "SK20", CC, 6), CCW(0xA9, "KEY6", CC, 4), tic(),
                      CCW(0x06, "BUF+128", 0, 80)],
            "MTEND": [CCW(0x07, "SK22", CC, 6), CCW(0xB1, "IDX", CC, 5), tic(),
                      CCW(0x06, "BUF+256", 0, 8)],
            "MTKEND": [CCW(0x07, "SK22", CC, 6), CCW(0xA9, "KEY6", CC, 4), tic(),
                       CCW(0x06, "BUF+256", 0, 8)],
            "MTREAD": [CCW(0x07, "SK20", CC, 6), CCW(0x12, "BUF+272", CC, 8),
                       CCW(0x12, "BUF+280", CC, 8), CCW(0x12, "BUF+288", CC, 8),
                       CCW(0x92, "BUF+296", CC, 8), CCW(0x92, "BUF+304", CC, 8),
                       CCW(0x92, "BUF+312", CC, 8), CCW(0x9E, "BUF+320", SLI, 200)],
            "MTRHA": [CCW(0x07, "SK22", CC, 6), CCW(0x9A, "BUF+600", CC, 5),
                      CCW(0x92, "BUF+608", 0, 8)],
            "STEND": [CCW(0x07, "SK22", CC, 6), CCW(0x31, "IDX", CC, 5), tic(),
                      CCW(0x06, "BUF+256", 0, 8)],
        },
        data=data,
        steps=[(p, DISK) for p in ("MTID", "MTKEY", "MTEND", "MTKEND", "MTREAD", "MTRHA",
                                   "STEND")],
    )


def mask_scenario(device: str, compress: str | None = None) -> Scenario:
    """SET FILE MASK: writes and seeks the mask inhibits; seeks beyond the volume."""
    heads = GEOMETRIES[device].heads
    data = {
        "SK20": seek(2, 0), "SK21": seek(2, 1), "SK30": seek(3, 0),
        "ARGCYL": seek(CYLINDERS, 0), "ARGHEAD": seek(0, heads),
        "ARGBB": b"\x00\x01" + seek(0, 0)[2:], "ID2": cchhr(2, 0, 2),
        "HA20": cchhr(2, 0, 0)[:4], "R0X": count(2, 0, 0, 0, 8) + bytes(8),
        "NEW": pattern(40, 200), "R5": count(2, 0, 5, 0, 16) + pattern(41, 16),
        "BUF": bytes(64),
        "M40": b"\x40", "M00": b"\x00", "M80": b"\x80", "M18": b"\x18", "M10": b"\x10",
        "M08": b"\x08", "M20": b"\x20", "MC0": b"\xc0",
    }
    return Scenario(
        name=f"filemask-{device}" + (f"-{compress}" if compress else ""),
        device=device, compress=compress, prepare=fill_tracks(_read_records()),
        description="file-mask violations and invalid seek addresses",
        programs={
            "NOWRITE": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M40", CC, 1),
                        CCW(0x31, "ID2", CC, 5), tic(), CCW(0x05, "NEW", 0, 200)],
            "NOR0": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M00", CC, 1),
                     CCW(0x39, "HA20", CC, 4), tic(), CCW(0x15, "R0X", 0, 16)],
            "UPDONLY": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M80", CC, 1),
                        CCW(0x31, "ID2", CC, 5), tic(), CCW(0x1D, "R5", 0, 24)],
            "UPDOK": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M80", CC, 1),
                      CCW(0x31, "ID2", CC, 5), tic(), CCW(0x05, "NEW", 0, 200)],
            "NOSEEK": [CCW(0x1F, "M18", CC, 1), CCW(0x07, "SK21", 0, 6)],
            "HEADONLY": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M10", CC, 1),
                         CCW(0x1B, "SK21", CC, 6), CCW(0x12, "BUF", CC, 8),
                         CCW(0x0B, "SK30", 0, 6)],
            "CYLHEAD": [CCW(0x1F, "M08", CC, 1), CCW(0x0B, "SK30", CC, 6),
                        CCW(0x07, "SK20", 0, 6)],
            "NOMT": [CCW(0x07, "SK20", CC, 6), CCW(0x1F, "M18", CC, 1),
                     CCW(0x92, "BUF+8", 0, 8)],
            "NORECAL": [CCW(0x1F, "M08", CC, 1), CCW(0x13, 0, SLI, 1)],
            "TWOMASK": [CCW(0x1F, "MC0", CC, 1), CCW(0x1F, "MC0", 0, 1)],
            "RESERVED": [CCW(0x1F, "M20", 0, 1)],
            "BADCYL": [CCW(0x07, "ARGCYL", CC, 6), CCW(0x12, "BUF+16", 0, 8)],
            "BADHEAD": [CCW(0x07, "ARGHEAD", 0, 6)],
            "BADBB": [CCW(0x07, "ARGBB", 0, 6)],
            "SHORT": [CCW(0x07, "SK20", 0, 5)],
        },
        data=data,
        steps=[(p, DISK) for p in ("NOWRITE", "NOR0", "UPDONLY", "UPDOK", "NOSEEK",
                                   "HEADONLY", "CYLHEAD", "NOMT", "NORECAL", "TWOMASK",
                                   "RESERVED", "BADCYL", "BADHEAD", "BADBB",
                                   "SHORT")],
    )


# ---------------------------------------------------------------------------
# Tape
# ---------------------------------------------------------------------------
def tape_scenario(fmt: str = "aws") -> Scenario:
    """Write blocks and tape marks, rewind, read across the tape marks (unit
    exception), forward and backward spacing, read backward, the load point."""
    b1, b2, b3, b4 = pattern(1, 80), pattern(2, 800), pattern(3, 33), pattern(4, 4000)
    data = {"B1": b1, "B2": b2, "B3": b3, "B4": b4, "BUF": bytes(8192)}
    return Scenario(
        name=f"tape-{fmt}", device="tape", compress="het" if fmt == "het" else None,
        description="write blocks and tape marks, read across tape marks, space, "
                    "read backward",
        programs={
            "WRITE": [CCW(0x01, "B1", CC, 80), CCW(0x01, "B2", CC, 800),
                      CCW(0x1F, 0, CC, 1), CCW(0x01, "B3", CC, 33),
                      CCW(0x01, "B4", CC, 4000), CCW(0x1F, 0, CC, 1),
                      CCW(0x1F, 0, 0, 1)],
            "REW": [CCW(0x07, 0, 0, 1)],
            "READ1": [CCW(0x02, "BUF", 0, 80)],
            "SHORT": [CCW(0x02, "BUF+100", 0, 100)],
            "READTM": [CCW(0x02, "BUF+1000", 0, 100)],
            "READ3": [CCW(0x02, "BUF+1200", SLI, 100)],
            "FSR": [CCW(0x37, 0, 0, 1)],
            "FSRTM": [CCW(0x37, 0, 0, 1)],
            "BSR": [CCW(0x27, 0, 0, 1)],
            "BSF": [CCW(0x2F, 0, 0, 1)],
            "RDBACK": [CCW(0x0C, "BUF+1999", SLI, 40)],
            "RDBTM": [CCW(0x0C, "BUF+2100", 0, 8)],
            "RDBACK2": [CCW(0x0C, "BUF+2999", 0, 800)],
            "FSF": [CCW(0x3F, 0, 0, 1)],
            "READ4": [CCW(0x02, "BUF+4000", 0, 4000)],
            "CHAIN": [CCW(0x27, 0, CC, 1), CCW(0x02, "BUF+3100", CC | SLI, 10),
                      CCW(0x03, 0, 0, 1)],
            "LOADPT": [CCW(0x0C, "BUF+3200", 0, 8)],
            "BSFLP": [CCW(0x2F, 0, 0, 1)],
            "NOOP": [CCW(0x03, 0, 0, 1)],
        },
        data=data,
        steps=[(p, TAPE) for p in (
            "WRITE", "REW", "NOOP", "READ1", "SHORT", "READTM", "READ3", "FSR", "FSRTM",
            "BSR", "BSR", "BSF", "RDBACK", "RDBACK2", "RDBTM", "FSF", "FSF", "BSR",
            "RDBTM", "BSR", "READ4", "CHAIN", "REW", "LOADPT", "BSFLP", "FSF", "FSR",
            "WRITE", "REW")],
    )


# ---------------------------------------------------------------------------
# IPL
# ---------------------------------------------------------------------------
IPL_PSW = bytes.fromhex("0008000000000200")     # EC mode, disabled, at BEGIN


def ipl_text(image: bytes) -> bytes:
    """What the IPL record's CCW reads: the program from X'200' on."""
    return image[0x200:]


def install_ipl(s: Scenario, path: str, image: bytes) -> None:
    """The IPL records: R1 (tape: block 1) the IPL PSW and a READ of the program
    (R2, block 2) to X'200'; then the scenario's own records."""
    text = ipl_text(image)
    if s.device == "tape":
        read = bytes([0x02, 0, 2, 0, SLI, 0]) + len(text).to_bytes(2, "big")
        tape = TapeFile(Path(path), "het" if s.compress == "het" else "aws")
        try:
            tape.write(IPL_PSW + read + bytes(8))
            tape.write(text)
            tape.write(pattern(77, 300))
            tape.write(None)
        finally:
            tape.close()
        return
    read = bytes([0x06, 0, 2, 0, SLI, 0]) + len(text).to_bytes(2, "big")
    with dasd.open_image(path) as img:
        recs = [dasd.Record(0, 0, 0, b"", bytes(8)),
                dasd.Record(0, 0, 1, b"", IPL_PSW + read + bytes(8)),
                dasd.Record(0, 0, 2, b"", text),
                dasd.Record(0, 0, 3, b"", pattern(77, 300))]
        img.write_track(0, 0, dasd.build_track(0, 0, recs))


def ipl_scenario(device: str, compress: str | None = None) -> Scenario:
    """IPL from the device; the loaded program reads record 3 (block 3) and
    the first record (block) again."""
    if device == "tape":
        programs = {"NEXT": [CCW(0x02, "BUF", 0, 300)],
                    "TM": [CCW(0x02, "BUF+400", 0, 8)],
                    "REW": [CCW(0x07, 0, CC, 1), CCW(0x02, "BUF+512", SLI, 8)]}
        data: dict[str, bytes] = {"BUF": bytes(1024)}
        steps = [("NEXT", TAPE), ("TM", TAPE), ("REW", TAPE)]
    else:
        programs = {"R3": [CCW(0x07, "SK00", CC, 6), CCW(0x31, "ID3", CC, 5), tic(),
                           CCW(0x06, "BUF+400", 0, 300)],
                    "IPLREC": [CCW(0x02, "BUF+720", 0, 24)]}
        data = {"SK00": seek(0, 0), "ID3": cchhr(0, 0, 3), "BUF": bytes(1024)}
        steps = [("R3", DISK), ("IPLREC", DISK)]
    return Scenario(name=f"ipl-{device}" + (f"-{compress}" if compress else ""),
                    device=device, compress=compress, programs=programs, data=data,
                    steps=steps, ipl=True,
                    description="initial program loading from the device")


def scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    for device, compress in (("3330", None), ("3350", "zlib"), ("2314", None)):
        out += [format_scenario(device, compress), search_scenario(device, compress),
                multitrack_scenario(device, compress), mask_scenario(device, compress)]
    out += [ipl_scenario("3330"), ipl_scenario("3350", "zlib")]
    out += [tape_scenario("aws"), tape_scenario("het"), ipl_scenario("tape")]
    return out


# The differences left after the rules (``RULES``): scenario -> (entry of
# docs/hercules-differences.md, the exact comparison line it predicts).  Step
# lines show Hercules' record after the rules.
KNOWN: dict[str, list[tuple[str, str]]] = {
    "format-3330": [
        ("H14", "storage 000000-00414F: 3 byte(s) differ, first at 003D54: "
                "reference 010032E6000001000100000000000000, "
                "hercules 02000064000001000100000000000000"),
        ("H14", "track 1/1: reference R0(0,8:00000000) R1(0,13030:00000000), "
                "hercules R0(0,8:00000000) R1(0,13030:00000000) R2(0,100:626F7C89)"),
        ("H14", "step 1 FMT1 csw: reference 000003700E000000, hercules 000003700C000000"),
        ("H14", "step 1 FMT1 sense: reference 004000000001010000000000000000000000000000000000, "
                "hercules 000000000001010000000000000000000000000000000000"),
        ("H14", "step 4 OVER csw: reference 000003E80E000000, hercules 000003E80C000000"),
        ("H14", "step 4 OVER sense: reference 004000000001010000000000000000000000000000000000, "
                "hercules 000000000001010000000000000000000000000000000000"),
    ],
    "filemask-3330": [
        ("H16", "step 14 SHORT csw: reference 000004900E400000, hercules 000004900E000000"),
    ],
    "format-3350-zlib": [
        ("H14", "storage 000000-0058E7: 3 byte(s) differ, first at 0054EC: "
                "reference 01004A7D000001000100000000000000, "
                "hercules 02000064000001000100000000000000"),
        ("H14", "track 1/1: reference R0(0,8:00000000) R1(0,19069:00000000), "
                "hercules R0(0,8:00000000) R1(0,19069:00000000) R2(0,100:626F7C89)"),
        ("H14", "step 1 FMT1 csw: reference 000003700E000000, hercules 000003700C000000"),
        ("H14", "step 1 FMT1 sense: reference 004000000001010000000000000000000000000000000000, "
                "hercules 000000000001010000000000000000000000000000000000"),
        ("H14", "step 4 OVER csw: reference 000003E80E000000, hercules 000003E80C000000"),
        ("H14", "step 4 OVER sense: reference 004000000001010000000000000000000000000000000000, "
                "hercules 000000000001010000000000000000000000000000000000"),
    ],
    "filemask-3350-zlib": [
        ("H16", "step 14 SHORT csw: reference 000004900E400000, hercules 000004900E000000"),
    ],
    "format-2314": [
        ("H14", "storage 000000-002AE7: 3 byte(s) differ, first at 0026EC: "
                "reference 01001C7E000001000100000000000000, "
                "hercules 02000064000001000100000000000000"),
        ("H14", "track 1/1: reference R0(0,8:00000000) R1(0,7294:00000000), "
                "hercules R0(0,8:00000000) R1(0,7294:00000000) R2(0,100:626F7C89)"),
        ("H14", "step 1 FMT1 csw: reference 000003700E000000, hercules 000003700C000000"),
        ("H14", "step 1 FMT1 sense: reference 004000400000000000000000000000000000000000000000, "
                "hercules 000000400000000000000000000000000000000000000000"),
        ("H14", "step 4 OVER csw: reference 000003E80E000000, hercules 000003E80C000000"),
        ("H14", "step 4 OVER sense: reference 004000400000000000000000000000000000000000000000, "
                "hercules 000000400000000000000000000000000000000000000000"),
    ],
    "filemask-2314": [
        ("H16", "step 14 SHORT csw: reference 000004900E400000, hercules 000004900E000000"),
    ],
}


def expected(s: Scenario) -> list[str]:
    return [line for _, line in KNOWN.get(s.name, [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CKD and tape channel programs on the "
                                     "reference machine and on Hercules")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--keep", help="copy the device files of each run here")
    parser.add_argument("--raw", action="store_true",
                        help="print every difference, also those the rules explain")
    args = parser.parse_args(argv)
    agree = 0
    rules: set[str] = set()
    chosen = [s for s in scenarios() if not args.names or s.name in args.names]
    for s in chosen:
        keep = os.path.join(args.keep, s.name) if args.keep else None
        out = check(s, keep)
        rules |= out.rules
        known = expected(s)
        unexpected = [d for d in out.diffs if d not in known]
        missing = [d for d in known if d not in out.diffs]
        status = "AGREE " if not out.diffs else ("KNOWN " if not unexpected and not missing
                                                 else "DIFFER")
        agree += status != "DIFFER"
        entries = sorted(out.rules | {e for e, _ in KNOWN.get(s.name, [])})
        print(f"{status} {s.name}  ({out.ref.elapsed * 1000:.0f} ms ref, "
              f"{out.herc.elapsed * 1000:.0f} ms hercules) {' '.join(entries)}")
        for d in (out.raw if args.raw else unexpected):
            print(f"         {d}")
        for d in missing:
            print(f"         expected, not seen: {d}")
    print(f"{agree}/{len(chosen)} scenarios agree or differ as known; rules used: "
          f"{' '.join(sorted(rules))}")
    return 0 if agree == len(chosen) else 1


if __name__ == "__main__":
    raise SystemExit(main())
