"""Disassembler: storage bytes back to assembler statements.

Driven by the opcode table (``reference.arch.opcodes``): ``lookup`` finds the row,
``decode_fields`` the fields, and the row's operand pattern says how to print them
(``reference.asm.assembler.operand_items``).  BC and BCR print with the branch extended
mnemonics of ``EXTENDED_MNEMONICS`` (the first name the table gives for a mask: B,
NOP, BH, BL, BE, BNH, BNL, BNE, BO, BNO).

The operand text is assembler source that ``reference.asm.assembler`` accepts back and
that assembles to the same bytes: registers, masks, lengths and displacements in
decimal, 8-bit immediates as ``X'hh'``, storage operands with explicit base (and
index) registers, e.g. ``L     1,500(2,12)``, ``MVC   0(256,5),16(6)``.  Bytes that
are not an instruction of the table, or an instruction with non-zero bits that its
operands do not show (ignored bits, e.g. bits 12-15 of SPM, which would not
assemble back to the same bytes), print as ``DC X'..'``.
"""

from __future__ import annotations

from reference.arch.opcodes import (
    EXTENDED_MNEMONICS,
    Instruction,
    decode_fields,
    encode,
    instruction_length,
)
from reference.arch.opcodes import lookup as _lookup
from reference.asm.assembler import operand_items

__all__ = ["disassemble", "format_instruction", "decode_one"]

# (base mnemonic, mask) -> extended mnemonic: the first name the table lists.
_EXTENDED: dict[tuple[str, int], str] = {}
for _name, _key in EXTENDED_MNEMONICS.items():
    _EXTENDED.setdefault(_key, _name)


def _constant(code: bytes) -> str:
    return f"{'DC':<5} X'{code.hex().upper()}'"


def _operands(row: Instruction, fields: tuple[int, ...]) -> list[str]:
    out: list[str] = []
    for item in operand_items(row.layout, row.operands):
        if item.kind == "svc":
            out.append(str((fields[0] << 4) | fields[1]))
        elif item.kind == "imm8":
            out.append(f"X'{fields[item.slot]:02X}'")
        elif item.kind != "storage":
            out.append(str(fields[item.slot]))
        elif item.middle == "":
            out.append(f"{fields[item.slot]}({fields[item.base]})")
        else:
            mid = fields[item.mslot]
            if item.middle in ("L", "L4"):
                mid += 1
            out.append(f"{fields[item.slot]}({mid},{fields[item.base]})")
    return out


def _used_fields(row: Instruction) -> frozenset[int]:
    used: set[int] = set()
    for item in operand_items(row.layout, row.operands):
        if item.kind == "svc":
            used |= {0, 1}
        else:
            used |= {item.slot, item.base, item.mslot}
    return frozenset(used)


def decode_one(code: bytes) -> tuple[int, str]:
    """(length, text) of the instruction at the start of ``code``: the text is
    ``'MNEMO operands'`` or ``DC X'..'`` for bytes that are not an instruction."""
    if not code:
        return 0, ""
    length = instruction_length(code[0])
    if len(code) < length:
        return len(code), _constant(code)
    code = bytes(code[:length])
    row = _lookup(code)
    if row is None:
        return length, _constant(code)
    fields = decode_fields(row.layout, code)
    # Fields the operand pattern does not show (the R2 field of SPM, the R3 field
    # of SLL, ...) and ignored bits must be zero, or the text would assemble to
    # other bytes.
    used = _used_fields(row)
    shown = tuple(v if k in used else 0 for k, v in enumerate(fields))
    if encode(row, shown) != code:
        return length, _constant(code)
    operands = _operands(row, fields)
    mnemonic = row.mnemonic
    if row.operands.startswith("M1,"):
        ext = _EXTENDED.get((row.mnemonic, fields[0]))
        if ext is not None:
            mnemonic = ext
            operands = operands[1:]
    return length, f"{mnemonic:<5} {','.join(operands)}".rstrip()


def format_instruction(code: bytes) -> str:
    """The assembler text of the instruction at the start of ``code``."""
    return decode_one(code)[1]


def disassemble(image: bytes, start: int = 0, end: int | None = None,
                origin: int = 0) -> list[str]:
    """Disassemble ``image`` (whose first byte is at address ``origin``) from address
    ``start`` up to address ``end`` (default: the end of the image).

    Each line is ``'AAAAAA  HEXCODE       MNEMO operands'``, e.g.
    ``'000200  1A12          AR    1,2'``.
    """
    start = max(start, origin)
    stop = origin + len(image) if end is None else min(end, origin + len(image))
    lines: list[str] = []
    addr = start
    while addr < stop:
        chunk = bytes(image[addr - origin:stop - origin][:6])
        length, text = decode_one(chunk)
        lines.append(f"{addr:06X}  {chunk[:length].hex().upper():<12}  {text}")
        addr += length
    return lines
