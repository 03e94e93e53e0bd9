"""Write (or check) the expectations file of every conformance program, from Hercules.

    python tools/expectations.py [--check] [--runs N] [PROGRAM.asm | DIRECTORY]...

Every program of conformance/programs/ (or the programs and directories named) is
assembled and run on Hercules 3.13 in S/370 mode through conformance/hercules.py (clear
reset, the image at absolute 0, a restart interruption, run to a disabled wait, 2M of
storage), ``--runs`` times (default 2); a field that differs between the runs is an
error.  The expectations file ``NAME.toml`` beside ``NAME.asm`` is written from that
final state (the format: conformance/expectations.py):

- ``[program]``: ``max_steps`` from the header's ``* MAXSTEPS:`` (when given),
  ``storage = "2M"`` (the results depend on the storage size: addressing
  exceptions) and ``provenance``; no ``modes``: every program runs in every mode.
- ``[expect]``: ``stop = "disabled-wait"``; ``psw`` when the final PSW is an EC-mode
  PSW (the ILC of a BC-mode PSW is unpredictable when displayed, GA22-7000-4 p.71,
  docs/hercules-differences.md X2: a BC-mode wait PSW is left out, and the doubleword
  it was loaded from is in the storage expectations); ``gpr``: all 16 general
  registers less the header's ``* IGNORE-GPR:``; ``cr``: the control registers whose
  final value differs from the clear-reset value (the ones the program set);
  ``storage``: the header's ``* COMPARE:`` ranges less its ``* IGNORE:`` ranges, less
  the interval timer (absolute X'50'-X'53', X1) and the byte of the restart old PSW
  that holds its ILC (X'0C', X4), at real addresses (the state after the prefix the
  program ends with), 32 bytes a line; ``keys``: the key of every 2K block the
  COMPARE ranges touch (access-control bits, fetch-protection, reference and change
  bits, as ISK gives them; bit 7 is zero).

The whole corpus is written so that everything else is deterministic and
model-independent (docs/hercules-differences.md, "M" entries).

For a program whose header names a Hercules defect (``* KNOWN: Hn``), the fields
Hercules gets wrong are taken from ``HAND`` below: values derived by hand from the
Principles of Operation, each with its derivation, which the file carries as a
comment beside the value.  The rest comes from Hercules.  A program that names an
exclusion (an ``X`` entry) gets Hercules' values too; none does now: ``X5`` (floating
point) is resolved, the reference machine has the facility and
interruptions/floating_point.asm meets the values Hercules gave it (its provenance keeps
a parenthesis saying so).  What a person keeps in ``[program]``
(``requires``, ``modes``, a parenthesis added to the provenance) is kept.  Programs with
devices and programs that carry their expectations in ``*! `` lines are not this
script's: their expectations are derived by hand.

``--check`` writes nothing: it runs every program on Hercules again and reports each
expectations file whose values (comments aside) no longer match what this script would
write (a field that changed, a file missing); and, in both modes, each hand-derived field
on which Hercules now agrees with the hand value (the defect may be gone).  Exit status 0
when all match, 1 otherwise.

No expected value comes from the reference machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from conformance import hercules as H  # noqa: E402
from conformance.adapter import absolute  # noqa: E402
from conformance.corpus import Program, has_expectations  # noqa: E402

CORPUS = REPO / "conformance" / "programs"
HERCULES = "Hercules 3.13 S/370 mode, conformance/hercules.py"
ROW = 32                                       # bytes a storage line
# Clear-reset values of the control registers (GA22-7000 ch.4 "Resets").
CR_RESET = [0x000000E0, 0, 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xC2000000, 0x00000200]
# Absolute storage never expected, whatever the program (docs/hercules-differences.md).
ALWAYS_LEFT_OUT = [
    (0x50, 0x53, "X1: the interval timer at location 80, decremented by host time on Hercules"),
    (0x0C, 0x0C, "X4: the ILC of the restart old PSW (BC mode): unpredictable"),
]


# ---------------------------------------------------------------------------
# Hand-derived values for the fields Hercules gets wrong (KNOWN: Hn)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Fix:
    """One expected field that Hercules gets wrong, derived by hand.

    ``what``: ``"storage"`` (``where`` an absolute address, ``value`` bytes),
    ``"gpr"`` (``where`` a register, ``value`` a 32-bit int) or ``"keys"``
    (``where`` a block address, ``value`` the key byte).  ``why``: the derivation,
    written as a comment above the value (the pieces joined and wrapped)."""

    what: str
    where: int
    value: bytes | int
    why: tuple[str, ...]


@dataclass(frozen=True)
class Hand:
    entry: str                       # the docs/hercules-differences.md entry
    summary: tuple[str, ...]         # the comment at the head of [expect] (joined, wrapped)
    fixes: tuple[Fix, ...] = field(default_factory=tuple)


def _b(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


_PER_LOG = ("PERH logs 24 bytes an event: the program old PSW, then 140-155 (ILC and code, "
            "translation-exception address, monitor class, PER code, PER address)")

HAND: dict[str, Hand] = {
    "control/prefix_high_bits.asm": Hand("H1", (
        "Hand-derived fields (H1: Hercules uses bits 1-19 of the SPX operand and takes an",
        "addressing exception). GA22-7000 ch.10 'Set Prefix' (GA22-7000-4 p.113): bits",
        "8-19 of X'FF004000' become the prefix, bits 0-7 and 20-31 are ignored: prefix",
        "X'4000', no program interruption. STPX RES (real X'260') then stores X'00004000'",
        "at absolute X'4260' and MVI FLAG (real X'268') stores X'01' at absolute X'4268'",
        "(the copy made by MVCL); after SPX PFX0 (prefix 0) STPX RES+4 stores zeros at",
        "absolute X'264'.",
    ), (
        Fix("gpr", 13, 0x00000C00, ("R13: no program interruption, PLOG pointer unchanged "
                                    "(H1)",)),
        Fix("storage", 0x28, _b("00000000 00000000"),
            ("X'28'-X'2F': no program interruption, the program old PSW is never stored (H1)",)),
        Fix("storage", 0x260, _b("FFFFFFFF 00000000 00"),
            ("X'260'-X'268': RES keeps X'FFFFFFFF' (the STPX went to X'4260'), RES+4 = 0 "
             "from STPX with prefix 0, FLAG 0 (the MVI went to X'4268') (H1)",)),
        Fix("storage", 0xC00, bytes(16),
            ("X'C00'-X'C0F': PLOG empty, no program interruption (H1)",)),
        Fix("storage", 0x4260, _b("00004000 FFFFFFFF 01"),
            ("X'4260'-X'4268' (absolute): STPX with prefix X'4000' gives X'00004000', "
             "RES+4 the copied X'FFFFFFFF', FLAG X'01' (H1)",)),
        Fix("keys", 0x800, 0x04,
            ("block X'800': fetched by MVCL (R 1), never stored (PLOG empty; C 0): X'04' (H1)",)),
    )),
    "control/reset_reference_bit_2k.asm": Hand("H2", (
        "Hand-derived fields (H2: Hercules' RRB resets and tests the 4K frame).",
        "GA22-7000 ch.10 'Reset Reference Bit': only the 2K block's reference bit is",
        "reset and the CC is set from that block's R and C bits: 0 R0 C0, 1 R0 C1, 2 R1 C0,",
        "3 R1 C1. REC stores R14 from BAL (BC mode: ILC 2, CC, program mask in bits 0-7).",
    ), (
        Fix("storage", 0xA00, _b("80000226"),
            ("X'A00': RRB of block X'2800' (key X'10', R0 C0): CC 0, BAL's ILC 2: "
             "X'80000226' (H2)",)),
        Fix("storage", 0xA08, _b("B0000236"),
            ("X'A08': RRB of block X'2000' (key X'16' kept, R1 C1): CC 3: X'B0000236' "
             "(H2)",)),
    )),
    "interruptions/execute_ilc_bc.asm": Hand("H3", (
        "Hand-derived fields (H3: Hercules stores the target's ILC in a BC-mode old PSW).",
        "GA22-7000 ch.6 'Instruction-Length Code': whenever an instruction is executed by",
        "EXECUTE, ILC 2 is set; BC-mode old PSW bits 32-33. Operation (code 1), addressing",
        "(5) and specification (6) exceptions: old PSW X'0000000c 8000aaaa', CC 0,",
        "address after the EX.",
    ), (
        Fix("storage", 0x28, _b("00000006 8000022A"),
            ("X'28': the last program old PSW: specification (DR 1,0 under EX), ILC 2 (H3)",)),
        Fix("storage", 0xC00, _b("00000001 80000216"),
            ("X'C00': EX of X'0000': operation exception, ILC 2, next address X'216' (H3)",)),
        Fix("storage", 0xC10, _b("00000005 8000021E"),
            ("X'C10': EX of MVC beyond storage: addressing exception, ILC 2 (H3)",)),
        Fix("storage", 0xC20, _b("00000006 8000022A"),
            ("X'C20': EX of DR 0,0 made DR 1,0: specification exception, ILC 2 (H3)",)),
    )),
    "interruptions/monitor_call_bc.asm": Hand("H4", (
        "Hand-derived fields (H4: Hercules stores the monitor class and code in EC mode",
        "only). GA22-7000-4 p.91: 148-149 (monitor class number) and 156-159 (monitor code)",
        "'can be stored in either the BC or EC modes'; GA22-7000-10 p.172 'Monitor Event':",
        "the format is the same in both modes. MC X'ABC',3 with CR8 bit 19 (class 3) on:",
        "class X'0003' at 148-149, code X'00000ABC' (the operand address) at 156-159,",
        "copied to RES (X'248'-X'253') by MVC RES(12),148(0).",
    ), (
        Fix("storage", 0x94, _b("0003"),
            ("X'94'-X'95' (148-149): monitor class 3 (H4)",)),
        Fix("storage", 0x9C, _b("00000ABC"),
            ("X'9C'-X'9F' (156-159): monitor code, the address X'ABC' (H4)",)),
        Fix("storage", 0x248, _b("00030000 00000000 00000ABC"),
            ("X'248'-X'253': RES, the copy of 148-159 (H4)",)),
    )),
    "per/successful_branching_rr.asm": Hand("H5", (
        "Hand-derived fields (H5: Hercules gives a successful-branching event the ILC of",
        "the instruction before the branch). GA22-7000-10 p.90 'Identification of Cause':",
        "the ILC is that of the instruction designated by the PER address: 1 (X'02' in byte",
        "141) for BR, BCTR, BALR, BASR; 2 (X'04') for BXLE. " + _PER_LOG + ".",
    ), (
        Fix("storage", 0x8C, _b("00040080"),
            ("X'8C': 140-143 of the last event (BXLE at X'23C'): ILC 2, code X'0080' (H5)",)),
        Fix("storage", 0xC08, _b("00020080"),
            ("X'C08': event 1, BR 3 at X'216': ILC 1 (H5)",)),
        Fix("storage", 0xC20, _b("00020080"),
            ("X'C20': event 2, BCTR 1,3 at X'220': ILC 1 (H5)",)),
        Fix("storage", 0xC38, _b("00020080"),
            ("X'C38': event 3, BALR 4,3 at X'226': ILC 1 (H5)",)),
        Fix("storage", 0xC50, _b("00020080"),
            ("X'C50': event 4, BASR 5,3 at X'22C': ILC 1 (H5)",)),
        Fix("storage", 0xC68, _b("00040080"),
            ("X'C68': event 5, BXLE 5,6,T5 at X'23C': ILC 2 (H5)",)),
    )),
    "per/per_with_exception.asm": Hand("H6", (
        "Hand-derived fields (H6: Hercules 3.13 has no general-register-alteration events).",
        "GA22-7000-4 p.43 'General-Register Alteration': an event whenever a new value is",
        "placed in a register whose CR9 mask bit is one (CR9 X'10000800': GRA, R4), PER",
        "code X'10' in byte 150, PER address = the instruction's; GA22-7000 ch.6: an event",
        "concurrent with a completed exception shares its interruption (code X'0088').",
        _PER_LOG + ". Events: L 4 at X'218' (old PSW 40080800 0000021C: CC 0, program",
        "mask 8 from SPM); A 4 at X'21C': overflow and event, code X'0088', CC 3 (old PSW",
        "40083800 00000220); LA 4,0 at X'220' (40083800 00000224). All RX: ILC 2.",
    ), (
        Fix("gpr", 13, 0x00000C48, ("R13: three events of 24 bytes: X'C00' + X'48' (H6)",)),
        Fix("storage", 0x28, _b("40083800 00000224"),
            ("X'28': the last program old PSW, after LA 4,0 (H6)",)),
        Fix("storage", 0x8C, _b("00040080"),
            ("X'8C': 140-143 of the last event: ILC 2, code X'0080' (H6)",)),
        Fix("storage", 0xC00, _b(
            "40080800 0000021C 00040080 00000000 00001000 00000218"
            "40083800 00000220 00040088 00000000 00001000 0000021C"
            "40083800 00000224 00040080 00000000 00001000 00000220"),
            ("X'C00'-X'C47': the three events L, A (with overflow), LA (H6)",)),
    )),
    "per/register_alteration.asm": Hand("H6", (
        "Hand-derived fields (H6: Hercules 3.13 has no general-register-alteration events).",
        "GA22-7000-4 p.43 'General-Register Alteration': an event whenever a new value is",
        "placed in a register whose CR9 mask bit is one (CR9 X'10000C00': GRA, R4 and R5),",
        "'not contingent on the new value being different'; one event an instruction; PER",
        "code X'10' in byte 150, PER address = the instruction's. " + _PER_LOG + ".",
        "Events: LA 4,1 at X'212', LA 5,2 at X'216', LM 3,6 at X'21E', SLDA 4,1 at X'222'",
        "(R4-R5 X'00000002 00000003' doubled: positive, CC 2); all 4 bytes long: ILC 2.",
    ), (
        Fix("gpr", 13, 0x00000C60, ("R13: four events of 24 bytes: X'C00' + X'60' (H6)",)),
        Fix("storage", 0x28, _b("40082000 00000226"),
            ("X'28': the last program old PSW, after SLDA (CC 2) (H6)",)),
        Fix("storage", 0x8C, _b("00040080"),
            ("X'8C': 140-143 of the last event: ILC 2, code X'0080' (H6)",)),
        Fix("storage", 0xC00, _b(
            "40080000 00000216 00040080 00000000 00001000 00000212"
            "40080000 0000021A 00040080 00000000 00001000 00000216"
            "40080000 00000222 00040080 00000000 00001000 0000021E"
            "40082000 00000226 00040080 00000000 00001000 00000222"),
            ("X'C00'-X'C5F': the four events LA 4, LA 5, LM, SLDA (H6)",)),
        Fix("keys", 0x800, 0x06,
            ("block X'800': PLOG at X'C00' stored: R 1, C 1: X'06' (H6)",)),
    )),
    "dat/translation_address_kept.asm": Hand("H7", (
        "Hand-derived fields (H7: Hercules stores a data-exception code at 144-147).",
        "GA22-7000-10 p.68: 144-147 hold the translation-exception address, stored only for",
        "segment- and page-translation exceptions; the data exception of AP leaves the",
        "X'00005000' of the page-translation exception (low 12 bits cleared by PGMCHK, M1).",
    ), (
        Fix("storage", 0x90, _b("00005000"),
            ("X'90' (144-147): the translation-exception address kept (H7)",)),
        Fix("storage", 0x26C, _b("00005000"),
            ("X'26C': RES, the copy of 144-147 after the data exception (H7)",)),
        Fix("storage", 0xC1C, _b("00005000"),
            ("X'C1C': 144-147 logged by PGMCHK for the data exception (H7)",)),
    )),
}


# ---------------------------------------------------------------------------
# The expectations of one program
# ---------------------------------------------------------------------------
@dataclass
class Expect:
    name: str
    title: str
    max_steps: int | None
    native_only: bool
    known: str | None
    psw: int | None
    bc_psw: int | None
    gpr: dict[int, int]
    cr: dict[int, int]
    storage: dict[int, int]          # real address -> byte
    keys: dict[int, int]
    left_out: list[str]
    hand: Hand | None
    hand_bytes: dict[int, Fix]       # real address -> the fix it belongs to
    prefix: int


def title_of(source: str) -> str:
    for line in source.splitlines():
        text = line.lstrip("*").strip()
        if line.startswith("*") and text:
            return text
    return ""


def build(prog: H.Program, r: H.Result, native_only: bool) -> Expect:
    """The expectations of ``prog`` from one Hercules run and ``HAND``."""
    if r.stopped != "disabled-wait":
        raise RuntimeError(f"Hercules: {r.stopped}")
    hand = HAND.get(prog.name)
    if (prog.known or "").startswith("H") and hand is None:
        raise RuntimeError(f"{prog.name}: KNOWN {prog.known} but no hand-derived values")
    left_out = [(a, b, why) for a, b, why in ALWAYS_LEFT_OUT]
    left_out += [(a, b, "IGNORE in the program's header") for a, b in prog.ignore]
    at_absolute: dict[int, int] = {}
    for (first, _last), data in r.storage.items():
        for i, byte in enumerate(data):
            a = first + i
            if not any(lo <= a <= hi for lo, hi, _ in left_out):
                at_absolute[a] = byte
    gpr = {i: r.gpr[i] for i in range(16) if i not in prog.ignore_gpr}
    keys = {blk: k & H.KEY_COMPARE_MASK for blk, k in r.keys.items()}
    hand_abs: dict[int, Fix] = {}
    if hand is not None:
        for fix in hand.fixes:
            if fix.what == "storage":
                assert isinstance(fix.value, bytes)
                for i, byte in enumerate(fix.value):
                    if fix.where + i not in at_absolute:
                        raise RuntimeError(f"{prog.name}: hand value at {fix.where + i:X} is "
                                           "not in the compared storage")
                    at_absolute[fix.where + i] = byte
                    hand_abs[fix.where + i] = fix
            elif fix.what == "gpr":
                assert isinstance(fix.value, int)
                gpr[fix.where] = fix.value
            elif fix.what == "keys":
                assert isinstance(fix.value, int)
                keys[fix.where] = fix.value
            else:
                raise ValueError(fix.what)
    # Prefixing is its own inverse: the real address of an absolute one.
    storage = {absolute(a, r.prefix): b for a, b in at_absolute.items()}
    hand_bytes = {absolute(a, r.prefix): f for a, f in hand_abs.items()}
    ec = bool(r.psw & H.PSW_EC_BIT)
    notes = [f"X'{a:X}'" + (f"-X'{b:X}'" if b != a else "") + f": {why}"
             for a, b, why in left_out
             if any(a <= hi and lo <= b for lo, hi in prog.compare)]
    return Expect(
        name=prog.name, title=title_of(prog.source),
        max_steps=prog.max_steps if prog.max_steps != H.DEFAULT_MAX_STEPS else None,
        native_only=native_only, known=prog.known,
        psw=r.psw if ec else None, bc_psw=None if ec else r.psw,
        gpr=gpr, cr={i: v for i, v in enumerate(r.cr) if v != CR_RESET[i]},
        storage=storage, keys=keys, left_out=notes, hand=hand, hand_bytes=hand_bytes,
        prefix=r.prefix)


# ---------------------------------------------------------------------------
# TOML
# ---------------------------------------------------------------------------
def _comment(lines: tuple[str, ...]) -> list[str]:
    """Comment lines of at most 92 characters holding ``lines`` joined."""
    return ["# " + t for t in textwrap.wrap(" ".join(lines), 90)]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(data: bytes, start: int) -> str:
    """Hex bytes, a blank after each word boundary (addresses aligned to 4)."""
    out = ""
    for i, byte in enumerate(data):
        if i and (start + i) % 4 == 0:
            out += " "
        out += f"{byte:02X}"
    return out


def provenance(e: Expect) -> str:
    if e.hand is not None:
        return (f"{HERCULES}; the fields Hercules gets wrong "
                f"({e.hand.entry}, docs/hercules-differences.md) derived by hand from "
                "GA22-7000 (derivations beside them)")
    if e.known == "X6":
        return (f"{HERCULES} (channel I/O: no device X'123', no channel 1: "
                "docs/hercules-differences.md X6)")
    return HERCULES


def render(e: Expect) -> str:
    lines = [f"# {e.title}", "[program]"]
    if e.max_steps is not None:
        lines.append(f"max_steps = {e.max_steps}")
    lines.append('storage = "2M"')
    lines.append(f"provenance = {_q(provenance(e))}")
    lines += ["", "[expect]"]
    if e.hand is not None:
        lines += _comment((f"docs/hercules-differences.md {e.hand.entry}.",) + e.hand.summary)
    lines.append('stop = "disabled-wait"')
    if e.psw is not None:
        lines.append(f'psw = "{e.psw:016X}"')
    else:
        lines.append(f"# psw left out: a BC-mode PSW (Hercules shows {e.bc_psw:016X}), whose "
                     "ILC is unpredictable when displayed (X2)")
    lines.append("[expect.gpr]")
    for i, v in sorted(e.gpr.items()):
        fix = _gpr_fix(e, i)
        if fix is not None:
            lines += _comment(fix.why)
        lines.append(f'"{i}" = "{v:08X}"')
    if e.cr:
        lines.append("[expect.cr]")
        lines += [f'"{i}" = "{v:08X}"' for i, v in sorted(e.cr.items())]
    lines.append("[expect.storage]")
    if e.prefix:
        lines.append(f"# real addresses: the prefix is X'{e.prefix:X}' at the end")
    for note in e.left_out:
        lines.append(f"# left out {note}")
    shown: set[Fix] = set()
    for start, data in _runs(e.storage):
        fixes = [e.hand_bytes[a] for a in range(start, start + len(data)) if a in e.hand_bytes]
        for fix in fixes:
            if fix not in shown:
                shown.add(fix)
                lines += _comment(fix.why)
        lines.append(f'"{start:X}" = "{_words(data, start)}"')
    if e.keys:
        lines.append("[expect.keys]")
        for blk, k in sorted(e.keys.items()):
            fix = _key_fix(e, blk)
            if fix is not None:
                lines += _comment(fix.why)
            lines.append(f'"{blk:X}" = "{k:02X}"')
    return "\n".join(lines) + "\n"


def _gpr_fix(e: Expect, reg: int) -> Fix | None:
    if e.hand is None:
        return None
    return next((f for f in e.hand.fixes if f.what == "gpr" and f.where == reg), None)


def _key_fix(e: Expect, blk: int) -> Fix | None:
    if e.hand is None:
        return None
    return next((f for f in e.hand.fixes if f.what == "keys" and f.where == blk), None)


def _runs(storage: dict[int, int]) -> list[tuple[int, bytes]]:
    """Contiguous runs of ``storage``, cut at every ROW boundary."""
    out: list[tuple[int, bytes]] = []
    start, data = -1, bytearray()
    for a in sorted(storage):
        if data and (a != start + len(data) or a % ROW == 0):
            out.append((start, bytes(data)))
            data = bytearray()
        if not data:
            start = a
        data.append(storage[a])
    if data:
        out.append((start, bytes(data)))
    return out


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------
def programs(paths: list[Path]) -> list[H.Program]:
    files: list[Path] = []
    for p in paths or [CORPUS]:
        p = p.resolve()
        files += sorted(p.rglob("*.asm")) if p.is_dir() else [p]
    # Programs with devices ([[device]] in their expectations) are not for this
    # tool: it runs Hercules without devices.  Nor is a program that carries its
    # expectations itself (``*! `` lines, derived by hand: CONTRIBUTING.md).
    return [H.parse_program(f) for f in files
            if not (has_expectations(f) and (Program(f).has_devices
                                             or not f.with_suffix(".toml").exists()))]


def _byte(r: H.Result, a: int) -> int:
    """The byte at absolute ``a`` of a Hercules result."""
    for (lo, hi), data in r.storage.items():
        if lo <= a <= hi:
            return data[a - lo]
    raise KeyError(a)


def hand_now_agreeing(e: Expect, r: H.Result) -> list[str]:
    """Hand-derived fields on which Hercules now gives the hand value."""
    out: list[str] = []
    if e.hand is None:
        return out
    for fix in e.hand.fixes:
        if fix.what == "storage":
            assert isinstance(fix.value, bytes)
            same = bytes(_byte(r, fix.where + i) for i in range(len(fix.value))) == fix.value
        elif fix.what == "gpr":
            same = r.gpr[fix.where] == fix.value
        else:
            same = (r.keys.get(fix.where, -1) & H.KEY_COMPARE_MASK) == fix.value
        if same:
            out.append(f"{fix.what} {fix.where:X}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="programs or directories (default: conformance/programs)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; report files that no longer match Hercules")
    parser.add_argument("--runs", type=int, default=2,
                        help="Hercules runs per program; they must agree (default 2)")
    args = parser.parse_args(argv)
    progs = programs(args.paths)
    failures = 0
    with H.Hercules() as herc:
        for prog in progs:
            toml_path = prog.path.with_suffix(".toml")
            try:
                image = H.assemble(prog)
                native_only = False  # every mode: the VMCP runs guests with DAT
                results = [herc.run(image, prog.compare) for _ in range(max(1, args.runs))]
                texts = [render(build(prog, r, native_only)) for r in results]
                if any(t != texts[0] for t in texts[1:]):
                    unstable = [d for t in texts[1:] for d in _differences(
                        tomllib.loads(texts[0]), tomllib.loads(t))]
                    raise RuntimeError("differs between Hercules runs: " + "; ".join(unstable))
                e = build(prog, results[0], native_only)
            except Exception as exc:  # report and go on with the next program
                print(f"ERROR    {prog.name}: {type(exc).__name__}: {exc}")
                failures += 1
                continue
            text = _keep_hand_program_keys(texts[0], toml_path)
            agreeing = hand_now_agreeing(e, results[0])
            if agreeing:
                print(f"NOTE     {prog.name}: Hercules now gives the hand-derived value of "
                      f"{', '.join(agreeing)} ({e.hand.entry if e.hand else ''})")
            if args.check:
                if not toml_path.exists():
                    print(f"MISSING  {toml_path.relative_to(REPO)}")
                    failures += 1
                    continue
                try:
                    on_disk = tomllib.loads(toml_path.read_text())
                except tomllib.TOMLDecodeError as exc:
                    print(f"BROKEN   {toml_path.relative_to(REPO)}: {exc}")
                    failures += 1
                    continue
                wanted = tomllib.loads(text)
                diffs = _differences(wanted, on_disk)
                if diffs:
                    failures += 1
                    print(f"DIFFERS  {toml_path.relative_to(REPO)}")
                    for d in diffs[:10]:
                        print(f"           {d}")
                else:
                    print(f"OK       {toml_path.relative_to(REPO)}")
            else:
                old = toml_path.read_text() if toml_path.exists() else None
                if old != text:
                    toml_path.write_text(text)
                    print(f"WROTE    {toml_path.relative_to(REPO)}")
                else:
                    print(f"SAME     {toml_path.relative_to(REPO)}")
    print(f"{len(progs) - failures}/{len(progs)} programs "
          + ("match their expectations" if args.check else "done"))
    return 1 if failures else 0


HAND_PROGRAM_KEYS = ("requires", "modes")


def _keep_hand_program_keys(text: str, toml_path: Path) -> str:
    """The rendered expectations with what a person keeps in ``[program]`` of the
    file on disk: ``requires`` and ``modes`` (the facilities and modes a program
    needs), and a provenance that adds to this script's (a parenthesis after it)."""
    if not toml_path.exists():
        return text
    try:
        program = tomllib.loads(toml_path.read_text()).get("program", {})
    except tomllib.TOMLDecodeError:
        return text
    lines = text.split("\n")
    at = lines.index("[program]") + 1
    for key in HAND_PROGRAM_KEYS:
        if key in program:
            lines.insert(at, f"{key} = {json.dumps(program[key])}")
            at += 1
    kept = program.get("provenance")
    for i, line in enumerate(lines):
        if line.startswith("provenance = ") and isinstance(kept, str):
            ours = tomllib.loads(line)["provenance"]
            if kept != ours and kept.startswith(ours + " ("):
                lines[i] = f"provenance = {json.dumps(kept)}"
            break
    return "\n".join(lines)


def _differences(wanted: object, got: object, where: str = "") -> list[str]:
    if isinstance(wanted, dict) and isinstance(got, dict):
        out = []
        for k in sorted(set(wanted) | set(got)):
            w = f"{where}.{k}" if where else str(k)
            if k not in got:
                out.append(f"{w}: missing (Hercules: {wanted[k]!r})")
            elif k not in wanted:
                out.append(f"{w}: not expected any more (file: {got[k]!r})")
            else:
                out += _differences(wanted[k], got[k], w)
        return out
    if wanted != got:
        return [f"{where}: file {got!r}, Hercules {wanted!r}"]
    return []


if __name__ == "__main__":
    raise SystemExit(main())
