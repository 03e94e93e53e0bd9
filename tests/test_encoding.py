"""The project's assembler against GNU as on every instruction of the corpus.

For every program of conformance/programs/, the project's assembler
(reference/asm/assembler.py) gives the image and the listing; the listing says where each
machine instruction is (its statement's operation is a mnemonic of the opcode table
or an extended branch mnemonic).  The instruction's bytes are taken from the image
and decoded by the disassembler (reference/asm/disassembler.py, the opcode table's fields)
and written out again as GNU assembler source, field by field
(``s390x-linux-gnu-as -m31 -mesa -march=g5``; registers as ``%rN``, control
registers as ``%cN``, lengths as the length, not the length code; ``.insn`` for the
S/370 opcodes GNU as does not know: SSK, ISK, RRB, the I/O instructions, and for the
few operands it refuses, an odd register where it wants an even-odd pair, which some
programs use on purpose for a specification exception).  All of them go into one source,
each at an 8-byte slot of its own (``.org``), are assembled and linked at 0, and each
slot must hold the project's bytes.  A field the project's assembler put in the wrong
place, or an opcode it has wrong, shows as a difference, since GNU as places each
operand where the Principles of Operation say (HERCULES.md, "GNU binutils").

Skipped, with the reason, when binutils for s390x is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference.arch import opcodes
from reference.asm.assembler import assemble, operand_items
from reference.asm.disassembler import format_instruction

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "conformance" / "programs"
AS, LD, OBJCOPY = ("s390x-linux-gnu-as", "s390x-linux-gnu-ld", "s390x-linux-gnu-objcopy")
NEEDS_BINUTILS = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in (AS, LD, OBJCOPY)),
    reason="GNU binutils for s390x are not installed (Debian binutils-s390x-linux-gnu)")
SLOT = 8
# S/370 opcodes GNU as (ESA/390 and later) does not know (HERCULES.md): .insn with their
# format.  (Any other line GNU as refuses is also written again as .insn: gnu_bytes.)
INSN = {"SSK", "ISK", "RRB", "SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "CLRCH",
        "STIDC", "WRD", "RDD"}
CONTROL_REGISTERS = {"LCTL", "STCTL"}          # R1 and R3 name control registers
INSTRUCTIONS = set(opcodes.BY_MNEMONIC) | set(opcodes.EXTENDED_MNEMONICS)


@dataclass(frozen=True)
class Site:
    """One machine instruction of a corpus program."""

    program: str
    line: int
    address: int
    code: bytes
    source: str


def instruction_sites(path: Path) -> list[Site]:
    """The machine instructions of one program, from its assembly listing."""
    result = assemble(path.read_text(encoding="utf-8"), str(path))
    name = str(path.relative_to(CORPUS))
    sites = []
    for row in result.listing.splitlines()[1:]:
        loc, number, source = row[:6].strip(), row[26:31].strip(), row[33:]
        if not loc or not number.isdigit() or not source.strip() or source.startswith("*"):
            continue
        words = source.split()
        op = words[0] if source[0] == " " else (words[1] if len(words) > 1 else "")
        if op.upper() not in INSTRUCTIONS:
            continue
        address = int(loc, 16)
        length = opcodes.instruction_length(result.image[address])
        sites.append(Site(name, int(number), address,
                          bytes(result.image[address:address + length]), source.strip()))
    return sites


def gnu_source(code: bytes) -> str:
    """The instruction ``code`` as GNU as source, built from the fields the opcode
    table decodes (the disassembler's view of the bytes)."""
    row = opcodes.lookup(code)
    if row is None:
        raise ValueError(f"{code.hex()}: not an instruction of the table")
    fields = opcodes.decode_fields(row.layout, code)
    creg = "%c" if row.mnemonic in CONTROL_REGISTERS else "%r"
    out = []
    for item in operand_items(row.layout, row.operands):
        value = fields[item.slot] if item.kind != "svc" else (fields[0] << 4) | fields[1]
        if item.kind == "storage":
            base = f"%r{fields[item.base]}"
            if item.middle == "":
                out.append(f"{value}({base})")
            elif item.middle in ("L", "L4"):          # the length, not the length code
                out.append(f"{value}({fields[item.mslot] + 1},{base})")
            else:                                     # X: an index; R: MVCK's register
                out.append(f"{value}(%r{fields[item.mslot]},{base})")
        elif item.kind == "reg":
            out.append(f"{creg}{value}")
        else:                                         # mask, svc, imm8, imm4
            out.append(str(value))
    if row.mnemonic in INSN:
        return insn_source(code)
    return f"{row.mnemonic.lower()} {','.join(out)}".rstrip()


def insn_source(code: bytes) -> str:
    """The instruction as GNU's ``.insn``: the opcode from the table, the fields
    placed by GNU as by format (for the opcodes it does not know, and for operands it
    refuses, such as an odd register for a register pair, which the program uses to
    cause a specification exception)."""
    row = opcodes.lookup(code)
    assert row is not None
    f = opcodes.decode_fields(row.layout, code)
    op = row.opcode
    if row.layout == "RR":
        return f".insn rr,0x{op << 8:04X},%r{f[0]},%r{f[1]}"
    if row.layout == "RRE":
        return f".insn rre,0x{op << 16:08X},%r{f[0]},%r{f[1]}"
    if row.layout == "RX":
        return f".insn rx,0x{op << 24:08X},%r{f[0]},{f[3]}(%r{f[1]},%r{f[2]})"
    if row.layout == "RS":
        return f".insn rs,0x{op << 24:08X},%r{f[0]},%r{f[1]},{f[3]}(%r{f[2]})"
    if row.layout == "S":           # a two-byte opcode, or one byte with 8-15 ignored
        return f".insn s,0x{op << 16 if op > 0xFF else op << 24:08X},{f[1]}(%r{f[0]})"
    if row.layout == "SI":
        return f".insn si,0x{op << 24:08X},{f[2]}(%r{f[1]}),{f[0]}"
    raise ValueError(f"no .insn form for {row.mnemonic} ({row.layout})")


def gnu_assemble(lines: list[str], workdir: Path) -> tuple[bytes, str]:
    """Assemble ``lines``, each in its own slot, with GNU as: (the flat image, or
    b"" and the messages of the assembler)."""
    text = "".join(f"\t.org {SLOT * i}\n\t{line}\n" for i, line in enumerate(lines))
    (workdir / "t.s").write_text(text + f"\t.org {SLOT * len(lines)}\n")
    for argv in ([AS, "-m31", "-mesa", "-march=g5", "-o", "t.o", "t.s"],
                 [LD, "-m", "elf_s390", "-Ttext=0", "-e", "0", "-o", "t.elf", "t.o"],
                 [OBJCOPY, "-O", "binary", "t.elf", "t.bin"]):
        done = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, timeout=60)
        if done.returncode:
            return b"", f"{argv[0]}: {done.stderr}"
    return (workdir / "t.bin").read_bytes(), ""


def gnu_bytes(lines: list[str], workdir: Path) -> tuple[bytes, set[int]]:
    """The GNU as image of ``lines``; a line GNU as refuses (an error names its source
    line, 2 + 2 * index) is written again as ``.insn``.  Returns the image and the
    indexes so written."""
    refused: set[int] = set()
    for _ in range(200):
        image, messages = gnu_assemble(lines, workdir)
        if image:
            return image, refused
        found = {int(m) for m in re.findall(r"t\.s:(\d+): (?:Fatal )?[Ee]rror", messages)}
        indexes = {(n - 2) // 2 for n in found if n >= 2 and n % 2 == 0} - refused
        if not indexes:
            raise AssertionError(messages[:3000])
        for i in indexes:
            lines[i] = insn_source(bytes.fromhex(lines[i].split("#")[-1].strip()))
        refused |= indexes
    raise AssertionError("GNU as refused too many lines")


def corpus_sites() -> list[Site]:
    return [s for path in sorted(CORPUS.rglob("*.asm")) for s in instruction_sites(path)]


def test_instruction_sites_come_from_the_listing(tmp_path: Path) -> None:
    # Labels, extended mnemonics and DC: only the three instructions count.
    program = CORPUS / "general" / "example_add.asm"
    sites = instruction_sites(program)
    assert sites[0].code == bytes.fromhex("05C0") and sites[0].address == 0x200  # BALR 12,0
    assert all(format_instruction(s.code).split()[0] in INSTRUCTIONS for s in sites)
    assert not any(s.source.split()[0] in ("DC", "DS") for s in sites)


def test_gnu_source_of_each_layout() -> None:
    assert gnu_source(bytes.fromhex("1A12")) == "ar %r1,%r2"
    assert gnu_source(bytes.fromhex("5812C1F4")) == "l %r1,500(%r2,%r12)"
    assert gnu_source(bytes.fromhex("47F00200")) == "bc 15,512(%r0,%r0)"
    assert gnu_source(bytes.fromhex("B70F1000")) == "lctl %c0,%c15,0(%r1)"
    assert gnu_source(bytes.fromhex("D207D0000028")) == "mvc 0(8,%r13),40(%r0)"
    assert gnu_source(bytes.fromhex("F0251000200F")) == "srp 0(3,%r1),15(%r2),5"
    assert gnu_source(bytes.fromhex("D91420003000")) == "mvck 0(%r1,%r2),0(%r3),%r4"
    assert gnu_source(bytes.fromhex("0A0B")) == "svc 11"
    assert gnu_source(bytes.fromhex("B20B0000")) == "ipk"
    assert gnu_source(bytes.fromhex("0912")) == ".insn rr,0x0900,%r1,%r2"       # ISK
    assert gnu_source(bytes.fromhex("B2130280")) == ".insn s,0xB2130000,640(%r0)"  # RRB
    assert insn_source(bytes.fromhex("8F500002")) == ".insn rs,0x8F000000,%r5,%r0,2(%r0)"
    assert insn_source(bytes.fromhex("5C312004")) == ".insn rx,0x5C000000,%r3,4(%r1,%r2)"
    assert insn_source(bytes.fromhex("92FF1004")) == ".insn si,0x92000000,4(%r1),255"


def compare_sites(sites: list[Site], workdir: Path) -> tuple[list[str], set[int]]:
    """Every site whose bytes differ from GNU as's (one line each), and the sites GNU
    as refused in mnemonic form (checked as ``.insn``)."""
    # Each line carries the bytes as a comment, for the .insn form of a refused line.
    lines = [f"{gnu_source(s.code)}  # {s.code.hex()}" for s in sites]
    image, refused = gnu_bytes(lines, workdir)
    differ = []
    for i, (site, line) in enumerate(zip(sites, lines)):
        theirs = image[SLOT * i:SLOT * i + len(site.code)]
        if theirs != site.code:
            differ.append(f"{site.program}:{site.line} {site.source!r}: ours "
                          f"{site.code.hex().upper()}, GNU as ({line.split('#')[0].strip()}) "
                          f"{theirs.hex().upper()}")
    return differ, refused


@NEEDS_BINUTILS
def test_every_corpus_instruction_assembles_to_the_bytes_gnu_as_gives(tmp_path: Path,
                                                                   capsys) -> None:
    sites = corpus_sites()
    differ, refused = compare_sites(sites, tmp_path)
    mnemonics = Counter(format_instruction(s.code).split()[0] for s in sites)
    with capsys.disabled():
        print(f"\n  encoding cross-check: {len(sites)} instructions of "
              f"{len({s.program for s in sites})} programs, {len({s.code for s in sites})} "
              f"distinct encodings, {len(mnemonics)} mnemonics; {len(differ)} differ; "
              f"{len(refused)} refused by GNU as in mnemonic form, checked as .insn: "
              f"{', '.join(sorted({sites[i].source.split()[0] for i in refused}))}")
    assert not differ, "\n".join(differ[:40])
    assert len(sites) > 1000 and len(mnemonics) > 100


@NEEDS_BINUTILS
def test_the_cross_check_finds_fields_in_the_wrong_place(tmp_path: Path, monkeypatch) -> None:
    # As if the opcode table had R1 and R2 of the RR layout the wrong way round: the
    # assembler would write AR 1,2 as X'1A21' and the disassembler read it back as
    # AR 1,2; GNU as writes X'1A12'.
    real = opcodes.decode_fields

    def swapped(layout: str, code: bytes) -> tuple[int, ...]:
        fields = real(layout, code)
        return (fields[1], fields[0]) if layout == "RR" else fields

    monkeypatch.setattr(opcodes, "decode_fields", swapped)
    site = Site("x.asm", 1, 0x200, bytes.fromhex("1A21"), "AR 1,2")
    differ, _ = compare_sites([site], tmp_path)
    assert differ == ["x.asm:1 'AR 1,2': ours 1A21, GNU as (ar %r1,%r2) 1A12"]
