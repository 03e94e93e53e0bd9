"""A two-pass assembler for a subset of IBM High Level Assembler (HLASM) syntax.

Enough of HLASM to write test programs and small operating systems by hand.  Every
machine instruction comes from the one opcode table (``reference.arch.opcodes``): its
mnemonic, layout and operand pattern; the branch extended mnemonics come from
``EXTENDED_MNEMONICS``.  The assembler has no instruction list of its own.

Source format
-------------
One statement per line: an optional label starting in column 1 (a line starting with
a blank has no label), the operation, the operands, and remarks after the first blank
that ends the operands.  ``*`` in column 1 or ``.*`` starts a comment line; blank
lines are ignored.  Mnemonics and symbols are case-insensitive (they are upper-cased);
quoted strings keep their case.  There are no continuation lines.

Directives: START, CSECT, DSECT, END (optional entry), ORG (no operand: back to the
highest location of the section), EQU (value[,length]), DC and DS, LTORG, USING
(``USING base,reg[,reg...]``), DROP, CNOP; EXTRN, WXTRN and ENTRY (symbols, see
"Object module" below); TITLE, EJECT, SPACE and PRINT are accepted and ignored (the
name of the first named TITLE is an object deck's ID).  Statements after END are
not read.

Constants: types C (EBCDIC, code page 037, printable ASCII only), X, B, F, H, A, Y,
S (base-displacement), V (``V(symbol)``: the address of an external symbol, 4 bytes
or ``VL3``; see below), P (packed), Z (zoned), E, D and L (hexadecimal floating point,
4, 8 and 16 bytes, rounded as HLASM rounds them: see ``_hex_float``); a duplication
factor (``3F'1'``; ``0F`` aligns only), an explicit length (``CL8``, ``XL2``,
``PL3``, ``FL1``, ``AL3``, ``EL2`` or ``L(expr)``, which turns alignment off; E and D
take 2 to 8 bytes, L only 16; no bit lengths, type extensions, scale or exponent
modifiers), several operands (``DC F'1',H'2'``) and several nominal values
(``DC F'1,2,3'``, ``A(X,Y)``, ``E'1,2.5,-3'``).  F, A, V and E align on a fullword, H,
Y and S on a halfword, D and L on a doubleword.  X and B pad and truncate on the
left, C on the right with blanks, P and Z keep the rightmost digits.

Expressions: ``+ - * /`` (integer division truncates toward zero; division by zero
gives zero, as in HLASM) and parentheses over decimal numbers, symbols, ``*`` (the
location counter), self-defining terms ``X'..'``, ``C'..'`` (EBCDIC), ``B'..'`` and
length attributes ``L'symbol`` and ``L'*``.  Values are absolute or relocatable;
relocatable terms may be added to absolute ones and subtracted from each other.

Addresses: an operand written as an expression without a base register is resolved
through the USING table (the USING with the smallest displacement; on a tie the
highest register); an absolute expression of 0 to 4095 is a displacement with base
register 0.  Explicit ``D(X,B)``, ``D(B)``, ``D(L,B)``, ``D(,B)`` forms are taken as
written.  Literals (``=F'1'``, ``=A(X)``, ``=C'..'``, ...) are pooled, without
duplicates, at LTORG or at END, aligned as HLASM does (a doubleword-aligned pool
holding the 8-byte-multiple literals first, then 4, 2 and 1).

Image model: all control sections (CSECTs) share one address space, the image, loaded
at its assembled addresses: ``Assembly.image`` holds the bytes from address 0 to the
highest location used (below the first origin it is zeros).  A START origin is
rounded up to a doubleword, as in HLASM; each further CSECT starts at the next
doubleword after everything assembled so far, and a CSECT may only be resumed while
no later CSECT has been started.  A DSECT has its own location counter from 0 and
produces no bytes.  A relocatable CSECT address and an absolute one mean the same
storage location, so USINGs based on either serve both (a lenience over HLASM).

Object module: ``assemble(..., object_module=True)`` also gives ``Assembly.module``,
which ``reference.asm.objdeck`` writes as an OS/360 object deck.  Each control
section is an SD item (PC for the unnamed one) at its assembled address, the
address it has in the image: the module is the image cut into its sections.  EXTRN
and WXTRN declare external symbols (ER and WX items); a V-constant's symbol that is
defined nowhere in the source is an ER too.  ENTRY names symbols of control
sections that other modules may refer to (LD items).  An external symbol may stand
only in A- and V-type constants, as a term added or subtracted once (``A(EXT+4)``);
each such term and each relocatable CSECT term of an A, Y or V constant gives an RLD
item.  The relocatable term's section is the one its address falls in (CSECTs share
one domain here, so a difference of terms of two different CSECTs is absolute, with
no RLD item, where HLASM would give two).  A V-constant of a symbol defined in the
source is relocated as an A-constant of it.  ESDIDs go in order of appearance
(external symbols of V-constants after the others), the unnamed section first.
External, entry and section names in an object module have at most 8 characters.
In an image (without ``object_module``) nothing links: a reference to an external
symbol is an error naming it.

Errors: every error raises ``AssemblyError`` whose message is ``file:line: message``.

Bounds: a source file is at most ``MAX_SOURCE`` bytes (4M; the ``s370`` command
reads no more); parentheses nest at most 40 deep; EQUs that refer to symbols
defined later are resolved in dependency order, in time linear in their number,
and a circle of them is an error naming it.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

from reference.arch import ebcdic
from reference.arch.ebcdic import PRINTABLE
from reference.arch.opcodes import BY_MNEMONIC, EXTENDED_MNEMONICS, Instruction, encode

__all__ = ["AssemblyError", "Assembly", "Symbol", "OperandItem", "assemble", "operand_items",
           "LAYOUT_FIELDS", "to_ebcdic", "split_operands", "MAX_SOURCE"]

MAX_SOURCE = 4 * 1024 * 1024      # bytes of a source file


class AssemblyError(Exception):
    """An error in the source; ``str(error)`` is ``'file:line: message'``."""

    def __init__(self, filename: str, line: int, message: str) -> None:
        super().__init__(f"{filename}:{line}: {message}")
        self.filename = filename
        self.line = line
        self.message = message


class _Err(Exception):
    """An error inside a statement; the statement loop adds file and line."""


class _Undefined(_Err):
    """A reference to a symbol that is not (yet) defined."""

    def __init__(self, name: str) -> None:
        super().__init__(f"undefined symbol {name}")
        self.name = name


def to_ebcdic(text: str) -> bytes:
    """``text`` in EBCDIC code page 037; the assembler takes printable ASCII only."""
    for ch in text:
        if ord(ch) not in PRINTABLE:
            raise _Err(f"character {ch!r} has no EBCDIC code in this assembler")
    return ebcdic.to_ebcdic(text)


# ---------------------------------------------------------------------------
# Operand patterns of the opcode table: which layout field each item fills.
# ---------------------------------------------------------------------------
# The fields of each layout in the order ``decode_fields`` returns them.
LAYOUT_FIELDS: dict[str, tuple[str, ...]] = {
    "RR": ("R1", "R2"),
    "RRE": ("R1", "R2"),
    "RX": ("R1", "X2", "B2", "D2"),
    "RS": ("R1", "R3", "B2", "D2"),
    "SI": ("I2", "B1", "D1"),
    "S": ("B2", "D2"),
    "SS": ("L", "B1", "D1", "B2", "D2"),
    "SS2": ("L1", "L2", "B1", "D1", "B2", "D2"),
    "SSE": ("B1", "D1", "B2", "D2"),
}
# Pattern items that occupy a field named differently in the layout.
_ALIASES = {"M1": "R1", "M3": "R3"}
_SS2_ALIASES = {"R1": "L1", "R3": "L2", "I3": "L2"}
_STORAGE_ITEM = re.compile(r"D([12])\((?:([A-Z][0-9]?),)?(B[12])\)")


@dataclass(frozen=True)
class OperandItem:
    """One item of an operand pattern and the layout fields it fills.

    ``kind`` is ``reg`` (R1 R2 R3), ``mask`` (M1 M3), ``svc`` (I: the 8 bits of
    fields R1 and R2 of an RR instruction), ``imm8`` (I2), ``imm4`` (I3) or
    ``storage``.  A storage item has a displacement field ``slot``, a base field
    ``base`` and an optional middle part: ``X`` (index register), ``L`` (8-bit
    length code), ``L4`` (4-bit length code) or ``R`` (a register, MVCK).
    """

    text: str
    kind: str
    slot: int
    base: int = -1
    middle: str = ""
    mslot: int = -1


def _slot(layout: str, name: str) -> int:
    fields = LAYOUT_FIELDS[layout]
    if name in fields:
        return fields.index(name)
    alias = (_SS2_ALIASES if layout == "SS2" else _ALIASES).get(name)
    if alias is None or alias not in fields:
        raise ValueError(f"operand {name} does not fit layout {layout}")
    return fields.index(alias)


def _split_pattern(pattern: str) -> list[str]:
    items: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(pattern[start:i])
            start = i + 1
    if pattern:
        items.append(pattern[start:])
    return items


@cache
def operand_items(layout: str, pattern: str) -> tuple[OperandItem, ...]:
    """The items of an operand pattern of the opcode table, with their fields."""
    out: list[OperandItem] = []
    for text in _split_pattern(pattern):
        if text == "I" and layout == "RR":
            out.append(OperandItem(text, "svc", 0))
        elif text in ("R1", "R2", "R3"):
            out.append(OperandItem(text, "reg", _slot(layout, text)))
        elif text in ("M1", "M3"):
            out.append(OperandItem(text, "mask", _slot(layout, text)))
        elif text == "I2":
            out.append(OperandItem(text, "imm8", _slot(layout, text)))
        elif text == "I3":
            out.append(OperandItem(text, "imm4", _slot(layout, text)))
        else:
            m = _STORAGE_ITEM.fullmatch(text)
            if m is None:
                raise ValueError(f"unknown operand pattern item {text!r}")
            n, mid, base = m.groups()
            middle, mslot = "", -1
            if mid is not None:
                mslot = _slot(layout, mid)
                middle = {"X": "X", "L": "L", "R": "R"}[mid[0]]
                if middle == "L" and layout == "SS2":
                    middle = "L4"
            out.append(OperandItem(text, "storage", _slot(layout, "D" + n),
                                   _slot(layout, base), middle, mslot))
    return tuple(out)


# ---------------------------------------------------------------------------
# Lexical helpers
# ---------------------------------------------------------------------------
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$#@_"
_DIGITS = "0123456789"
_SYMSTART = frozenset(_LETTERS)
_SYMCHAR = frozenset(_LETTERS + _DIGITS)
_HEX = frozenset("0123456789ABCDEFabcdef")
_SYMBOL_RE = re.compile(r"[A-Za-z$#@_][A-Za-z0-9$#@_]*")
_MAX_SYMBOL = 63
_LIMIT = 1 << 32            # |values| of expressions stay below this
_TOP = 1 << 24              # the 24-bit address space
_MAX_DEPTH = 40             # parenthesis nesting


def _is_attribute_quote(s: str, i: int) -> bool:
    """True if the apostrophe at ``s[i]`` is that of a length attribute ``L'sym``."""
    return (i >= 1 and s[i - 1] in "Ll" and (i == 1 or s[i - 2] not in _SYMCHAR)
            and i + 1 < len(s) and (s[i + 1] in _SYMSTART or s[i + 1] == "*"))


def _skip_quoted(s: str, i: int) -> int:
    """``s[i]`` opens a quoted string; the index after its closing apostrophe."""
    j = i + 1
    while True:
        k = s.find("'", j)
        if k < 0:
            raise _Err("missing closing apostrophe")
        if k + 1 < len(s) and s[k + 1] == "'":
            j = k + 2
            continue
        return k + 1


def _operand_field(s: str) -> tuple[str, str]:
    """Split the text after the operation into (operands, remarks)."""
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == " ":
            break
        if ch == "'" and not _is_attribute_quote(s, i):
            i = _skip_quoted(s, i)
            continue
        i += 1
    return s[:i], s[i:].strip()


def _unquoted(s: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, parenthesis depth after it) for each character of ``s``
    from ``i`` that stands outside quoted strings."""
    depth = 0
    while i < len(s):
        ch = s[i]
        if ch == "'" and not _is_attribute_quote(s, i):
            i = _skip_quoted(s, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        yield i, ch, depth
        i += 1


def split_operands(s: str) -> list[str]:
    """Split an operand field at the commas outside parentheses and quotes."""
    if not s:
        return []
    parts: list[str] = []
    start = 0
    for i, ch, depth in _unquoted(s):
        if ch == "," and depth == 0:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return parts


def _operands_or_none(s: str) -> list[str]:
    """The operands, or none when the field is empty or only commas (``ORG ,``)."""
    texts = split_operands(s)
    return [] if all(not t for t in texts) else texts


def _matching_paren(s: str, i: int) -> int:
    """``s[i]`` is '('; the index of its matching ')'."""
    for j, ch, depth in _unquoted(s, i):
        if ch == ")" and depth == 0:
            return j
    raise _Err("missing closing parenthesis")


def _quoted_text(inner: str) -> str:
    """The characters of a quoted string: '' and && stand for one ' and one &."""
    return inner.replace("''", "'").replace("&&", "&")


def _hexa(v: int) -> str:
    return f"{v:X}" if v >= 0 else f"-{-v:X}"


# ---------------------------------------------------------------------------
# Values and expressions
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Symbol:
    """A defined symbol: value, section domain (None: absolute; 0: the image; a
    DSECT's number), length attribute and the line that defines it."""

    name: str
    value: int
    domain: int | None
    length: int
    line: int

    @property
    def relocatable(self) -> bool:
        return self.domain is not None


@dataclass(frozen=True)
class _Val:
    value: int
    rel: tuple[tuple[int, int], ...] = ()     # (domain, count), counts non-zero
    length: int = 1                            # length attribute of the leftmost term

    def domain(self) -> int | None:
        if not self.rel:
            return None
        if len(self.rel) == 1 and self.rel[0][1] == 1:
            return self.rel[0][0]
        raise _Err("complex relocatable expression")


def _rel_of(domain: int | None) -> tuple[tuple[int, int], ...]:
    return () if domain is None else ((domain, 1),)


def _combine(a: _Val, b: _Val, sign: int) -> _Val:
    counts = dict(a.rel)
    for d, c in b.rel:
        counts[d] = counts.get(d, 0) + sign * c
    rel = tuple(sorted((d, c) for d, c in counts.items() if c))
    return _checked(_Val(a.value + sign * b.value, rel, a.length))


def _checked(v: _Val) -> _Val:
    if not -_LIMIT < v.value < _LIMIT:
        raise _Err("arithmetic overflow in expression")
    return v


class _Context:
    """What an expression may refer to: the symbols, the location counter, the
    length of the current statement (for ``L'*``) and the external symbols (name ->
    domain, negative).  Externals are only usable when ``linkable`` (an object
    module); in an image nothing can resolve them."""

    def __init__(self, symbols: dict[str, Symbol], loc: _Val | None, cur_len: int = 1,
                 externals: dict[str, int] | None = None, linkable: bool = False) -> None:
        self.symbols = symbols
        self.loc = loc
        self.cur_len = cur_len
        self.externals = externals or {}
        self.linkable = linkable

    def symbol(self, name: str) -> Symbol:
        sym = self.symbols.get(name)
        if sym is None:
            domain = self.externals.get(name)
            if domain is None:
                raise _Undefined(name)
            if not self.linkable:
                raise _Err(f"external symbol {name} is unresolved: an image has no linker "
                           f"(assemble to an object deck)")
            return Symbol(name, 0, domain, 1, 0)
        return sym


class _Parser:
    """Recursive-descent parser and evaluator of one expression text."""

    def __init__(self, text: str, ctx: _Context) -> None:
        self.s = text
        self.i = 0
        self.ctx = ctx
        self.depth = 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def at_end(self) -> bool:
        return self.i >= len(self.s)

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise self.error()
        self.i += 1

    def error(self) -> _Err:
        if self.at_end():
            return _Err(f"incomplete expression {self.s!r}")
        return _Err(f"invalid expression {self.s!r} at {self.s[self.i:]!r}")

    def expr(self) -> _Val:
        v = self.term()
        while self.peek() in ("+", "-") and not self.at_end():
            sign = 1 if self.s[self.i] == "+" else -1
            self.i += 1
            v = _combine(v, self.term(), sign)
        return v

    def term(self) -> _Val:
        v = self.factor()
        while self.peek() in ("*", "/") and not self.at_end():
            op = self.s[self.i]
            self.i += 1
            w = self.factor()
            if v.rel or w.rel:
                raise _Err("relocatable term in multiplication or division")
            if op == "*":
                r = v.value * w.value
            elif w.value == 0:
                r = 0                       # HLASM: division by zero gives zero
            else:
                q = abs(v.value) // abs(w.value)
                r = q if (v.value < 0) == (w.value < 0) else -q
            v = _checked(_Val(r, (), v.length))
        return v

    def factor(self) -> _Val:
        negate = False
        while self.peek() in ("+", "-") and not self.at_end():
            negate ^= self.s[self.i] == "-"
            self.i += 1
        v = self.primary()
        if negate:
            v = _checked(_Val(-v.value, tuple((d, -c) for d, c in v.rel), v.length))
        return v

    def primary(self) -> _Val:
        s = self.s
        ch = self.peek()
        if ch == "(":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _Err("expression nested too deeply")
            self.i += 1
            v = self.expr()
            self.expect(")")
            self.depth -= 1
            return v
        if ch == "*":
            self.i += 1
            if self.ctx.loc is None:
                raise _Err("location counter reference not allowed here")
            return _Val(self.ctx.loc.value, self.ctx.loc.rel, self.ctx.cur_len)
        if ch and ch in _DIGITS:
            j = self.i
            while j < len(s) and s[j] in _DIGITS:
                j += 1
            if j < len(s) and s[j] in _SYMCHAR:
                raise _Err(f"invalid term {s[self.i:j + 1]!r}")
            if j - self.i > 10:
                raise _Err(f"number {s[self.i:j]} too large")
            value = int(s[self.i:j])
            if value > 0x7FFFFFFF:
                raise _Err(f"number {value} too large")
            self.i = j
            return _Val(value)
        if ch and ch in _SYMSTART:
            j = self.i
            while j < len(s) and s[j] in _SYMCHAR:
                j += 1
            name = s[self.i:j].upper()
            if j < len(s) and s[j] == "'":
                if name == "L":
                    return self.attribute(j + 1)
                if name in ("X", "C", "B"):
                    return self.self_defining(name, j)
                raise _Err(f"invalid term {s[self.i:j + 1]!r}")
            if len(name) > _MAX_SYMBOL:
                raise _Err(f"symbol {name[:20]}... too long")
            self.i = j
            sym = self.ctx.symbol(name)
            return _Val(sym.value, _rel_of(sym.domain), sym.length)
        if ch == "=":
            raise _Err("literal not allowed here")
        raise self.error()

    def attribute(self, j: int) -> _Val:
        s = self.s
        if j < len(s) and s[j] == "*":
            self.i = j + 1
            return _Val(self.ctx.cur_len)
        k = j
        while k < len(s) and s[k] in _SYMCHAR:
            k += 1
        name = s[j:k].upper()
        if not name or name[0] not in _SYMSTART:
            raise _Err("L' needs a symbol")
        self.i = k
        return _Val(self.ctx.symbol(name).length)

    def self_defining(self, kind: str, j: int) -> _Val:
        end = _skip_quoted(self.s, j)
        inner = self.s[j + 1:end - 1]
        self.i = end
        return _Val(_self_defining_value(kind, inner))


def _self_defining_value(kind: str, inner: str) -> int:
    if kind == "X":
        if not inner or len(inner) > 8 or any(c not in _HEX for c in inner):
            raise _Err(f"invalid hexadecimal term X'{inner}'")
        return int(inner, 16)
    if kind == "B":
        if not inner or len(inner) > 32 or any(c not in "01" for c in inner):
            raise _Err(f"invalid binary term B'{inner}'")
        return int(inner, 2)
    data = to_ebcdic(_quoted_text(inner))
    if not 1 <= len(data) <= 4:
        raise _Err(f"character term C'{inner}' must have 1 to 4 characters")
    return int.from_bytes(data, "big")


def _evaluate(text: str, ctx: _Context) -> _Val:
    if not text:
        raise _Err("missing operand")
    p = _Parser(text, ctx)
    v = p.expr()
    if not p.at_end():
        raise p.error()
    return v


def _absolute(text: str, ctx: _Context, what: str) -> int:
    v = _evaluate(text, ctx)
    if v.domain() is not None:
        raise _Err(f"{what} must be absolute: {text}")
    return v.value


# ---------------------------------------------------------------------------
# Constants (DC, DS and literals)
# ---------------------------------------------------------------------------
_DEFAULT_LENGTH = {"C": 1, "X": 1, "B": 1, "F": 4, "H": 2, "A": 4, "Y": 2, "S": 2,
                   "V": 4, "P": 1, "Z": 1, "E": 4, "D": 8, "L": 16}
_ALIGNMENT = {"F": 4, "H": 2, "A": 4, "Y": 2, "S": 2, "V": 4, "E": 4, "D": 8, "L": 8}
# The length modifiers HLASM allows; E, D and L take 1 to 8, 1 to 8 and 1 to 16 bytes.
_MAX_LENGTH = {"C": 65535, "X": 65535, "B": 65535, "F": 8, "H": 8, "A": 4, "Y": 2, "S": 2,
               "V": 4, "P": 16, "Z": 16, "E": 8, "D": 8, "L": 16}
_MIN_LENGTH = {"S": 2, "V": 3}
# The explicit lengths this assembler takes for hexadecimal floating point: a
# characteristic byte and at least one byte of fraction for E and D; L only whole.
_HFP_LENGTHS = {"E": range(2, 9), "D": range(2, 9), "L": range(16, 17)}
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")
_DECIMAL = re.compile(r"([+-]?)([0-9]*)\.?([0-9]*)")
_FLOAT = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[Ee]([+-]?[0-9]+))?")
_MAX_FLOAT_TEXT = 100           # characters of one floating-point nominal value
_FLOAT_EXPONENT = range(-85, 76)  # the decimal exponent HLASM allows in E, D and L


@dataclass
class _Constant:
    """One DC/DS operand (or literal): ``dup`` copies of the ``elements``."""

    text: str
    dup: int
    type: str
    explicit: int | None
    lengths: list[int]
    elements: list[bytes | str | None]      # bytes, expression text (A Y S V) or None (DS)
    align: int = 1
    address: int = 0

    @property
    def unit(self) -> int:
        return sum(self.lengths)

    @property
    def size(self) -> int:
        return self.dup * self.unit

    @property
    def length_attribute(self) -> int:
        return self.lengths[0]


def _twos(value: int, length: int, lo: int, hi: int, what: str) -> bytes:
    if not lo <= value <= hi:
        raise _Err(f"value {value} does not fit {what}")
    return (value & ((1 << (8 * length)) - 1)).to_bytes(length, "big")


def _packed(text: str, length: int | None, zoned: bool) -> tuple[bytes, int]:
    m = _DECIMAL.fullmatch(text)
    if m is None or not (m.group(2) or m.group(3)) or len(text) > 40:
        raise _Err(f"invalid decimal value {text!r}")
    sign, whole, frac = m.groups()
    digits = whole + frac
    negative = sign == "-"
    if zoned:
        n = length if length is not None else len(digits)
        digits = digits.rjust(n, "0")[-n:]
        out = bytearray(0xF0 | int(d) for d in digits)
        out[-1] = ((0xD0 if negative else 0xC0) | (out[-1] & 0x0F))
        return bytes(out), n
    nibbles = digits + ("D" if negative else "C")
    n = length if length is not None else (len(nibbles) + 1) // 2
    nibbles = nibbles.rjust(2 * n, "0")[-2 * n:]
    return bytes.fromhex(nibbles), n


def _hex_float(text: str, kind: str, length: int) -> bytes:
    """One E, D or L nominal value in System/370 hexadecimal floating point.

    Format (GA22-7000, chapter 9): a sign bit, a 7-bit characteristic (the power of
    16, excess 64) and a fraction of hexadecimal digits, 1/16 <= fraction < 1 when
    normalized.  E has 6 digits, D 14 and L 28, of which the first 14 go with the
    first doubleword; L's second doubleword repeats the sign and has a
    characteristic 14 less, modulo 128 (HLASM Language Reference, "Representation
    of hexadecimal floating point", note 1).  An explicit length of ``length``
    bytes for E or D keeps ``2 * (length - 1)`` digits, so EL8 is laid out as D.

    The nominal value is a decimal number with an optional sign, decimal point and
    exponent ``E[+-]n``, n from -85 to +75; it is converted exactly (rational
    arithmetic), normalized and then rounded.  Rounding is HLASM's for E, D and L
    without a type extension: "rounding mode 1", round by adding one in the first
    lost bit position (HLASM V1R6 Language Reference SC26-4940, "Syntax of binary,
    decimal, and hexadecimal floating-point constants": a null type extension is
    converted "using the conversion logic of rounding mode 1"; the modes are listed
    under "Hexadecimal floating-point constants").  On the magnitude that is round
    half up, so a tie goes away from zero.  A carry out of the fraction
    renormalizes (one more in the characteristic).  The same page says HLASM
    converts these with "slightly less precise algorithms"; this conversion is
    exact, so a value within a hair of a rounding boundary may differ from
    HLASM's by one in the last digit.

    Zero is a true zero, all bytes zero; ``-0`` keeps its sign bit (X'80000000'
    for E), the manual saying nothing of it, as z390 (an HLASM-compatible assembler)
    assembles it; for L the second doubleword of a zero is all zero.  A value whose
    characteristic after rounding is above 127, or a non-zero value whose
    characteristic would be below 0, is an error (HLASM: ASMA064S).
    """
    m = _FLOAT.fullmatch(text)
    if m is None or not (m.group(2) or m.group(3)) or len(text) > _MAX_FLOAT_TEXT:
        raise _Err(f"invalid floating-point value {text!r}")
    sign, whole, frac, exp_text = m.groups()
    exponent = int(exp_text or "0")
    if exponent not in _FLOAT_EXPONENT:
        raise _Err(f"exponent {exponent} of floating-point value {text} is outside -85 to +75")
    frac = frac or ""
    magnitude = Fraction(int((whole or "0") + frac), 10 ** len(frac)) * Fraction(10) ** exponent
    sign_bit = 0x80 if sign == "-" else 0
    if magnitude == 0:
        return bytes([sign_bit]) + bytes(length - 1)
    digits = 28 if kind == "L" else 2 * (length - 1)
    # The power of 16 with 16**(e-1) <= magnitude < 16**e; the bit lengths of
    # numerator and denominator put the estimate within one of it.
    e = (magnitude.numerator.bit_length() - magnitude.denominator.bit_length()) // 4 + 1
    while magnitude >= Fraction(16) ** e:
        e += 1
    while magnitude < Fraction(16) ** (e - 1):
        e -= 1
    # The fraction's digits and the first lost bit; add one there and drop it.
    with_lost_bit = int(magnitude * Fraction(16) ** (digits - e) * 2)
    fraction = (with_lost_bit + 1) >> 1
    if fraction == 16 ** digits:
        fraction >>= 4
        e += 1
    characteristic = e + 64
    if characteristic > 127:
        raise _Err(f"floating-point value {text} too large for type {kind} "
                   f"(characteristic {characteristic} above 127)")
    if characteristic < 0:
        raise _Err(f"floating-point value {text} too small for type {kind} "
                   f"(characteristic {characteristic} below 0)")
    if kind != "L":
        return bytes([sign_bit | characteristic]) + fraction.to_bytes(length - 1, "big")
    high, low = fraction >> 56, fraction & ((1 << 56) - 1)
    return (bytes([sign_bit | characteristic]) + high.to_bytes(7, "big")
            + bytes([sign_bit | (characteristic - 14) % 128]) + low.to_bytes(7, "big"))


def _modifier(s: str, i: int, ctx: _Context, what: str) -> tuple[int | None, int]:
    """A duplication factor or length modifier at ``s[i]``: decimal digits (at most
    nine) or an absolute expression in parentheses.  (Its value, the index after
    it), or (None, ``i``) when neither stands there."""
    if i < len(s) and s[i] in _DIGITS:
        j = i
        while j < len(s) and s[j] in _DIGITS:
            j += 1
        if j - i > 9:
            raise _Err(f"{what} too large")
        return int(s[i:j]), j
    if i < len(s) and s[i] == "(":
        j = _matching_paren(s, i)
        return _absolute(s[i + 1:j], ctx, what), j + 1
    return None, i


def _parse_constant(text: str, ctx: _Context, ds: bool) -> _Constant:
    """Parse one DC or DS operand (or a literal without its '=')."""
    s = text
    if not s:
        raise _Err("missing operand")
    factor, i = _modifier(s, 0, ctx, "duplication factor")
    dup = 1 if factor is None else factor
    if not 0 <= dup <= _TOP:
        raise _Err(f"duplication factor {dup} out of range")
    if i >= len(s):
        raise _Err(f"missing constant type in {text!r}")
    kind = s[i].upper()
    if kind not in _DEFAULT_LENGTH:
        raise _Err(f"unknown constant type {s[i]!r}")
    i += 1
    explicit: int | None = None
    if i < len(s) and s[i] in "Ll":
        explicit, i = _modifier(s, i + 1, ctx, "length modifier")
        if explicit is None:
            raise _Err(f"invalid length modifier in {text!r}")
        if not _MIN_LENGTH.get(kind, 1) <= explicit <= _MAX_LENGTH[kind]:
            raise _Err(f"length {explicit} not allowed for type {kind}")
        if kind in _HFP_LENGTHS and explicit not in _HFP_LENGTHS[kind]:
            raise _Err(f"length {explicit} not supported for type {kind}")
    rest = s[i:]
    align = _ALIGNMENT.get(kind, 1) if explicit is None else 1
    const = _Constant(text, dup, kind, explicit, [], [], align)
    if not rest:
        if not ds:
            raise _Err(f"missing nominal value in {text!r}")
        const.lengths = [explicit if explicit is not None else _DEFAULT_LENGTH[kind]]
        const.elements = [None]
        return const
    if kind in ("A", "Y", "S", "V"):
        if rest[0] != "(" or _matching_paren(rest, 0) != len(rest) - 1:
            raise _Err(f"invalid nominal value in {text!r}")
        exprs = split_operands(rest[1:-1])
        if not exprs or any(not e for e in exprs):
            raise _Err(f"missing expression in {text!r}")
        if kind == "V":
            for e in exprs:
                if _SYMBOL_RE.fullmatch(e) is None or len(e) > _MAX_SYMBOL:
                    raise _Err(f"V-type constant needs a symbol, not {e!r}")
            exprs = [e.upper() for e in exprs]
        n = explicit if explicit is not None else _DEFAULT_LENGTH[kind]
        const.lengths = [n] * len(exprs)
        const.elements = list(exprs)
        return const
    if rest[0] != "'" or _skip_quoted(rest, 0) != len(rest):
        raise _Err(f"invalid nominal value in {text!r}")
    inner = rest[1:-1]
    if kind == "C":
        data = to_ebcdic(_quoted_text(inner))
        if not data:
            raise _Err("character constant needs at least one character")
        if explicit is not None:
            data = data[:explicit].ljust(explicit, b"\x40")
        const.elements = [data]
        const.lengths = [len(data)]
        return const
    for value in inner.split(","):
        data = _nominal(kind, value, explicit)
        const.elements.append(data)
        const.lengths.append(len(data))
    return const


def _nominal(kind: str, value: str, explicit: int | None) -> bytes:
    if kind == "X":
        if not value or any(c not in _HEX for c in value) or len(value) > 131072:
            raise _Err(f"invalid hexadecimal constant {value!r}")
        data = bytes.fromhex(value.rjust(len(value) + len(value) % 2, "0"))
    elif kind == "B":
        if not value or any(c not in "01" for c in value) or len(value) > 524288:
            raise _Err(f"invalid binary constant {value!r}")
        nbytes = (len(value) + 7) // 8
        data = int(value, 2).to_bytes(nbytes, "big")
    elif kind in ("F", "H"):
        if _INTEGER.fullmatch(value) is None:
            raise _Err(f"invalid {kind} constant {value!r}")
        n = explicit if explicit is not None else _DEFAULT_LENGTH[kind]
        half = 1 << (8 * n - 1)
        return _twos(int(value), n, -half, half - 1, f"{kind}L{n}")
    elif kind in ("P", "Z"):
        return _packed(value, explicit, kind == "Z")[0]
    else:   # E, D, L
        return _hex_float(value, kind, explicit if explicit is not None else _DEFAULT_LENGTH[kind])
    if explicit is not None:
        data = data[-explicit:].rjust(explicit, b"\x00")
    return data


# ---------------------------------------------------------------------------
# Statements, sections and literals
# ---------------------------------------------------------------------------
_IGNORED = {"TITLE", "EJECT", "SPACE", "PRINT"}
_NO_OPERANDS = _IGNORED | {"LTORG", "CSECT", "DSECT"}
_EXTERNAL = {"EXTRN", "WXTRN", "ENTRY"}
_DIRECTIVES = _NO_OPERANDS | _EXTERNAL | {"START", "END", "ORG", "EQU", "DC", "DS", "USING",
                                          "DROP", "CNOP"}
_MAX_EXTERNAL = 8            # characters of a name in the external symbol dictionary


@dataclass
class _Section:
    name: str
    domain: int            # 0: the image; n > 0: a DSECT
    start: int
    loc: int
    high: int


@dataclass
class _Literal:
    text: str              # with the '='
    const: _Constant
    line: int
    address: int = -1
    domain: int = 0


@dataclass
class _Statement:
    number: int
    source: str
    label: str | None = None
    op: str = ""
    operands: str = ""
    row: Instruction | None = None
    items: tuple[OperandItem, ...] = ()
    preset: tuple[tuple[int, int], ...] = ()      # (field slot, value): extended mnemonics
    loc: int = 0
    domain: int | None = 0
    section: _Section | None = None
    size: int = 0
    constants: list[_Constant] = field(default_factory=list)
    literals: dict[str, _Literal] = field(default_factory=dict)
    pool: list[_Literal] = field(default_factory=list)
    obj: bytes = b""
    show_loc: bool = False
    value: int | None = None                        # EQU value for the listing


@dataclass(frozen=True)
class EsdItem:
    """One item of the external symbol dictionary of an object module.

    ``kind``: SD (control section), PC (private code: the unnamed section), LD
    (label definition: an ENTRY), ER (external reference) or WX (weak external
    reference).  ``esdid``: its number, from 1 (0 for an LD, which has none);
    ``address``: the assembled address (0 for ER and WX); ``length``: a section's
    length; ``owner``: for an LD, the ESDID of the section that holds it."""

    name: str
    kind: str
    esdid: int
    address: int = 0
    length: int = 0
    owner: int = 0


@dataclass(frozen=True)
class RldItem:
    """One relocation: the ``length``-byte constant at assembled ``address`` in the
    section numbered ``position`` gets the relocation of ESD item ``relocation``
    added (subtracted when ``negative``); ``vcon`` marks a V-type constant."""

    position: int
    relocation: int
    address: int
    length: int
    vcon: bool = False
    negative: bool = False


@dataclass
class ObjectModule:
    """An assembly as an object module: the ESD items (sections and externals in
    ESDID order, then the LDs), the text as (ESDID, assembled address, bytes) runs,
    the RLD items, the entry point (ESDID, address) and the deck ID (the name of the
    first named TITLE, or empty)."""

    esd: list[EsdItem]
    text: list[tuple[int, int, bytes]]
    rld: list[RldItem]
    entry: tuple[int, int] | None
    deck_id: str = ""


@dataclass
class Assembly:
    """The result of ``assemble``.

    ``image``: the bytes from address 0 to the highest location assembled (zeros
    where nothing was assembled); ``origin``: the address where the first control
    section starts; ``symbols``: symbol name -> value; ``symbol_table``: name ->
    ``Symbol`` (with length attribute and relocatability); ``entry``: the END
    operand's value, or None; ``listing``: the assembly listing; ``module``: the
    object module, when asked for (``assemble(..., object_module=True)``).
    """

    image: bytes
    origin: int
    listing: str
    symbols: dict[str, int]
    symbol_table: dict[str, Symbol]
    entry: int | None
    module: ObjectModule | None = None


def _parse_line(number: int, raw: str) -> _Statement:
    text = raw.rstrip("\r").replace("\t", " ")
    st = _Statement(number, text)
    if not text.strip() or text.startswith("*") or text.startswith(".*"):
        return st
    rest = text
    if text[0] != " ":
        label, _, rest = text.partition(" ")
        if _SYMBOL_RE.fullmatch(label) is None or len(label) > _MAX_SYMBOL:
            raise _Err(f"invalid label {label!r}")
        st.label = label.upper()
    rest = rest.lstrip(" ")
    op, _, rest = rest.partition(" ")
    if not op:
        raise _Err("missing operation")
    st.op = op.upper()
    rest = rest.lstrip(" ")
    row = BY_MNEMONIC.get(st.op)
    if row is not None:
        st.row = row
        st.items = _items(row)
    elif st.op in EXTENDED_MNEMONICS:
        base, mask = EXTENDED_MNEMONICS[st.op]
        row = BY_MNEMONIC[base]
        items = _items(row)
        st.row = row
        st.items = items[1:]
        st.preset = ((items[0].slot, mask),)
    elif st.op not in _DIRECTIVES:
        raise _Err(f"unknown operation {st.op}")
    if (st.row is not None and not st.items) or st.op in _NO_OPERANDS:
        return st                          # the rest of the line is remarks
    st.operands = _operand_field(rest)[0]
    return st


def _items(row: Instruction) -> tuple[OperandItem, ...]:
    try:
        return operand_items(row.layout, row.operands)
    except ValueError as exc:              # a table row this assembler cannot handle
        raise _Err(str(exc)) from None


class _Assembler:
    def __init__(self, source: str, filename: str, linkable: bool = False) -> None:
        self.filename = filename
        self.source = source
        self.linkable = linkable
        self.externals: dict[str, int] = {}                 # name -> domain (negative)
        self.external_kind: dict[str, tuple[str, int]] = {}  # name -> (ER or WX, line)
        self.entries: list[tuple[str, int]] = []             # ENTRY name, line
        self.esd_order: list[_Section | str] = []            # sections and externals
        self.v_names: list[tuple[str, int]] = []             # V-constant symbols, line
        self.relocations: list[tuple[int, int, str, int, _Section | str]] = []
        self.symbols: dict[str, Symbol] = {}
        self.statements: list[_Statement] = []
        self.sections: dict[str, _Section] = {}
        self.private = _Section("", 0, 0, 0, 0)
        self.image_sections: list[_Section] = [self.private]
        self.cur = self.private
        self.dsects = 0
        self.pending: dict[str, _Literal] = {}
        self.deferred: list[tuple[_Statement, str]] = []    # EQU, the symbol it awaits
        self.private_used = False
        self.usings: dict[int, tuple[int, int | None]] = {}
        self.entry: int | None = None
        self.emitted: list[tuple[int, bytes]] = []
        self.tail_pool: list[_Literal] = []

    # -- helpers ---------------------------------------------------------
    def fail(self, line: int, message: str) -> AssemblyError:
        return AssemblyError(self.filename, line, message)

    def ctx(self, loc: _Val | None, cur_len: int = 1) -> _Context:
        return _Context(self.symbols, loc, cur_len, self.externals, self.linkable)

    def loc_val(self, cur_len: int = 1) -> _Context:
        return self.ctx(_Val(self.cur.loc, _rel_of(self.cur.domain)), cur_len)

    def stmt_ctx(self, st: _Statement, cur_len: int = 1) -> _Context:
        return self.ctx(_Val(st.loc, _rel_of(st.domain)), cur_len)

    def define(self, st: _Statement, name: str, value: int, domain: int | None,
               length: int) -> None:
        if name in self.symbols:
            raise _Err(f"symbol {name} already defined at line {self.symbols[name].line}")
        if name in self.external_kind:
            raise _Err(f"symbol {name} declared external at line "
                       f"{self.external_kind[name][1]}")
        self.symbols[name] = Symbol(name, value, domain, length, st.number)
        if self.cur is self.private and domain == 0:
            self.private_used = True

    def advance(self, n: int) -> None:
        sec = self.cur
        sec.loc += n
        if sec.loc > _TOP:
            raise _Err("location counter beyond X'FFFFFF'")
        sec.high = max(sec.high, sec.loc)
        if sec is self.private and sec.high:
            self.private_used = True

    def align(self, boundary: int) -> int:
        pad = -self.cur.loc % boundary
        self.advance(pad)
        return pad

    def place(self, st: _Statement) -> None:
        st.loc = self.cur.loc
        st.domain = self.cur.domain
        st.section = self.cur
        st.show_loc = True

    # -- pass 1 ----------------------------------------------------------
    def pass1(self) -> None:
        lines = self.source.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            del lines[-1]                 # the newline that ends the last line
        for number, raw in enumerate(lines, start=1):
            try:
                st = _parse_line(number, raw)
                self.statements.append(st)
                if st.op == "END":
                    self.pass1_statement(st)
                    break
                if st.op:
                    self.pass1_statement(st)
            except _Err as exc:
                raise self.fail(number, str(exc)) from None
        else:
            try:
                self.pool(None)
            except _Err as exc:
                raise self.fail(len(self.statements), str(exc)) from None
        self.resolve_deferred()
        for name, line in self.v_names:
            if name not in self.symbols and name not in self.externals:
                self.declare_external(name, "ER", line)

    def declare_external(self, name: str, kind: str, line: int) -> None:
        """An external symbol (EXTRN, WXTRN, or a V-constant's symbol defined
        nowhere): it gets the next negative domain and its place in the ESD."""
        if name in self.externals:
            return
        self.externals[name] = -1 - len(self.externals)
        self.external_kind[name] = (kind, line)
        self.esd_order.append(name)

    def pass1_external(self, st: _Statement) -> None:
        if st.label:
            raise _Err(f"labeled {st.op} not supported")
        texts = _operands_or_none(st.operands)
        if not texts:
            raise _Err(f"{st.op} needs a symbol")
        for text in texts:
            name = text.upper()
            if _SYMBOL_RE.fullmatch(text) is None or len(name) > _MAX_SYMBOL:
                raise _Err(f"{st.op} needs symbols, not {text!r}")
            if st.op == "ENTRY":
                self.entries.append((name, st.number))
                continue
            if name in self.symbols:
                raise _Err(f"symbol {name} already defined at line {self.symbols[name].line}")
            self.declare_external(name, "ER" if st.op == "EXTRN" else "WX", st.number)

    def note_vcons(self, const: _Constant, line: int) -> None:
        if const.type == "V":
            self.v_names += [(e, line) for e in const.elements if isinstance(e, str)]

    def pass1_statement(self, st: _Statement) -> None:
        op = st.op
        if st.row is not None:
            self.align(2)
            self.place(st)
            st.size = st.row.length
            if st.label:
                self.define(st, st.label, st.loc, st.domain, st.size)
            texts = split_operands(st.operands)
            for item, text in zip(st.items, texts):
                if item.kind == "storage" and text.startswith("="):
                    st.literals[text] = self.literal(st, text)
            self.advance(st.size)
            return
        if op in ("DC", "DS"):
            self.pass1_constants(st, op == "DS")
        elif op == "EQU":
            self.pass1_equ(st)
        elif op in ("START", "CSECT", "DSECT"):
            self.pass1_section(st)
        elif op == "ORG":
            self.place(st)
            if st.label:
                self.define(st, st.label, st.loc, st.domain, 1)
            self.pass1_org(st)
        elif op == "LTORG":
            if self.cur.domain:
                raise _Err("LTORG in a DSECT")
            self.align(8)
            self.place(st)
            if st.label:
                self.define(st, st.label, st.loc, st.domain, 1)
            self.pool(st)
        elif op == "CNOP":
            self.pass1_cnop(st)
        elif op in _EXTERNAL:
            self.pass1_external(st)
        elif op == "END":
            if self.cur.domain:
                self.cur = self.image_sections[-1]
            self.place(st)
            st.show_loc = False
            self.pool(st)
        elif op in ("USING", "DROP"):
            if st.label:
                raise _Err(f"labeled {op} not supported")
            self.place(st)
            st.show_loc = False
        elif st.label:                        # TITLE, EJECT, SPACE, PRINT
            if op == "TITLE":
                return
            self.place(st)
            self.define(st, st.label, st.loc, st.domain, 1)

    def pass1_constants(self, st: _Statement, ds: bool) -> None:
        texts = split_operands(st.operands)
        if not texts:
            raise _Err(f"{st.op} needs an operand")
        first = True
        for text in texts:
            const = _parse_constant(text, self.loc_val(), ds)
            if not ds:
                self.note_vcons(const, st.number)
            self.align(const.align)
            const.address = self.cur.loc
            if first:
                self.place(st)
                if st.label:
                    self.define(st, st.label, st.loc, st.domain, const.length_attribute)
                first = False
            st.constants.append(const)
            self.advance(const.size)
        st.size = self.cur.loc - st.loc

    def pass1_equ(self, st: _Statement) -> None:
        if not st.label:
            raise _Err("EQU needs a label")
        self.place(st)
        texts = split_operands(st.operands)
        if not 1 <= len(texts) <= 3:
            raise _Err("EQU needs a value and at most a length and a type")
        try:
            self.equate(st)
        except _Undefined as exc:
            self.deferred.append((st, exc.name))

    def equate(self, st: _Statement) -> None:
        assert st.label is not None
        texts = split_operands(st.operands)
        ctx = self.stmt_ctx(st)
        v = _evaluate(texts[0], ctx)
        domain = v.domain()
        length = v.length
        if len(texts) >= 2 and texts[1]:
            length = _absolute(texts[1], ctx, "length")
            if not 0 <= length <= 65535:
                raise _Err(f"length {length} out of range")
        if domain is not None and domain < 0:
            raise _Err(f"EQU of an external symbol: {texts[0]}")
        st.value = v.value
        self.define(st, st.label, v.value, domain, length)

    def resolve_deferred(self) -> None:
        """Define the EQUs that referred to symbols not yet defined, in dependency
        order: each waits for the first undefined symbol its expression met and is
        evaluated again when that symbol is defined.  An EQU is evaluated when read,
        once more here, and once for each symbol it waits for: time linear in the
        EQUs' size, without recursion.  Ready EQUs go in source order."""
        waiting: dict[str, list[_Statement]] = {}
        ready = [(st.number, st) for st, _ in self.deferred]   # symbols defined since
        while ready:
            _, st = heapq.heappop(ready)
            try:
                self.equate(st)
            except _Undefined as exc:
                waiting.setdefault(exc.name, []).append(st)
                continue
            except _Err as exc:
                raise self.fail(st.number, str(exc)) from None
            assert st.label is not None
            for follower in waiting.pop(st.label, []):
                heapq.heappush(ready, (follower.number, follower))
        if waiting:
            raise self.unresolved(waiting)

    def unresolved(self, waiting: dict[str, list[_Statement]]) -> AssemblyError:
        """The error for EQUs left waiting: from the first of them, follow the
        symbols awaited to one that nothing defines, or round a circle of EQUs."""
        awaits = {st.label: name for name, sts in waiting.items() for st in sts}
        by_label = {st.label: st for sts in waiting.values() for st in sts}
        first = min((st for sts in waiting.values() for st in sts), key=lambda s: s.number)
        assert first.label is not None
        path = [first.label]
        seen = {first.label: 0}
        while True:
            name = awaits[path[-1]]
            if name not in by_label:
                return self.fail(by_label[path[-1]].number, f"undefined symbol {name}")
            if name in seen:
                circle = path[seen[name]:] + [name]
                st = min((by_label[n] for n in circle), key=lambda s: s.number)
                if len(circle) > 6:
                    shown = " -> ".join(circle[:3]) + " -> ... -> " + " -> ".join(circle[-2:])
                    shown += f" ({len(circle) - 1} symbols)"
                else:
                    shown = " -> ".join(circle)
                return self.fail(st.number, f"circular EQU: {shown}")
            seen[name] = len(path)
            path.append(name)

    def pass1_section(self, st: _Statement) -> None:
        op = st.op
        name = st.label or ""
        if op == "DSECT":
            if not name:
                raise _Err("DSECT needs a label")
            sec = self.sections.get(name)
            if sec is None:
                if name in self.symbols:
                    raise _Err(f"symbol {name} already defined")
                self.dsects += 1
                sec = _Section(name, self.dsects, 0, 0, 0)
                self.sections[name] = sec
                self.cur = sec
                self.place(st)
                self.define(st, name, 0, sec.domain, 1)
            elif sec.domain == 0:
                raise _Err(f"{name} is a CSECT")
            self.cur = sec
            self.place(st)
            return
        if op == "START":
            if self.private_used or self.image_sections != [self.private]:
                raise _Err("START must come before anything is assembled")
            origin = 0
            texts = split_operands(st.operands)
            if texts:
                if len(texts) > 1:
                    raise _Err("START has one operand")
                origin = _absolute(texts[0], self.loc_val(), "START origin")
                if not 0 <= origin < _TOP:
                    raise _Err(f"START origin {_hexa(origin)} out of range")
                origin = (origin + 7) & ~7
        else:
            origin = -1
        sec = self.sections.get(name)
        if sec is not None and op == "CSECT":
            if sec.domain:
                raise _Err(f"{name} is a DSECT")
            if sec is not self.image_sections[-1]:
                raise _Err(f"cannot resume section {name or '(private)'} after another CSECT")
            self.cur = sec
            self.place(st)
            return
        if sec is not None:
            raise _Err(f"section {name} already defined")
        if name and name in self.symbols:
            raise _Err(f"symbol {name} already defined")
        if self.private_used and name == "" and op == "CSECT":
            self.cur = self.private
            if self.private is not self.image_sections[-1]:
                raise _Err("cannot resume the private section after another CSECT")
            self.place(st)
            return
        replace = not self.private_used and len(self.image_sections) == 1 \
            and self.image_sections[0] is self.private
        if origin < 0:
            origin = 0 if replace else \
                (max(s.high for s in self.image_sections) + 7) & ~7
        sec = _Section(name, 0, origin, origin, origin)
        if replace:
            self.image_sections = [sec]
        else:
            self.image_sections.append(sec)
        self.esd_order.append(sec)
        self.sections[name] = sec
        self.cur = sec
        self.place(st)
        if name:
            self.define(st, name, origin, 0, 1)

    def pass1_org(self, st: _Statement) -> None:
        texts = _operands_or_none(st.operands)
        sec = self.cur
        if not texts:
            sec.loc = sec.high
            return
        if len(texts) > 1:
            raise _Err("ORG with boundary operands is not supported")
        v = _evaluate(texts[0], self.loc_val())
        domain = v.domain()
        if domain is not None and domain != sec.domain:
            raise _Err("ORG operand is not in the current section")
        if domain is None and sec.domain:
            raise _Err("ORG operand in a DSECT must be relocatable")
        if v.value < sec.start:
            raise _Err(f"ORG {_hexa(v.value)} is below the start of the section")
        if v.value > _TOP:
            raise _Err("location counter beyond X'FFFFFF'")
        sec.loc = v.value
        sec.high = max(sec.high, sec.loc)

    def pass1_cnop(self, st: _Statement) -> None:
        texts = split_operands(st.operands)
        if len(texts) != 2:
            raise _Err("CNOP needs two operands")
        ctx = self.loc_val()
        b = _absolute(texts[0], ctx, "CNOP byte")
        w = _absolute(texts[1], ctx, "CNOP boundary")
        if w not in (4, 8) or b not in range(0, w, 2):
            raise _Err(f"invalid CNOP operands {b},{w}")
        self.align(2)
        start = self.cur.loc
        while self.cur.loc % w != b:
            self.advance(2)
        self.place(st)
        st.loc = start
        st.size = self.cur.loc - start
        if st.label:
            self.define(st, st.label, self.cur.loc, st.domain, 1)

    def literal(self, st: _Statement, text: str) -> _Literal:
        lit = self.pending.get(text)
        if lit is None:
            const = _parse_constant(text[1:], self.ctx(None), False)
            if const.dup == 0:
                raise _Err("a literal needs a duplication factor of at least 1")
            self.note_vcons(const, st.number)
            lit = _Literal(text, const, st.number)
            self.pending[text] = lit
        return lit

    def pool(self, st: _Statement | None) -> None:
        lits = list(self.pending.values())
        self.pending = {}
        if not lits:
            return
        if self.cur.domain:
            self.cur = self.image_sections[-1]
        self.align(8)
        if st is not None and st.op == "END":
            st.loc = self.cur.loc
            st.show_loc = True
        for boundary in (8, 4, 2, 1):
            for lit in lits:
                size = lit.const.size
                group = 8 if size % 8 == 0 else 4 if size % 4 == 0 else 2 if size % 2 == 0 else 1
                if group == boundary:
                    lit.address = self.cur.loc
                    lit.const.address = self.cur.loc
                    self.advance(size)
                    if st is not None:
                        st.pool.append(lit)
                    else:
                        self.tail_pool.append(lit)

    # -- pass 2 ----------------------------------------------------------
    def pass2(self) -> None:
        for st in self.statements:
            try:
                self.pass2_statement(st)
            except _Err as exc:
                raise self.fail(st.number, str(exc)) from None
        if self.tail_pool:
            self.emit_pool(self.tail_pool)

    def emit(self, st: _Statement, address: int, data: bytes) -> None:
        if st.domain == 0 and data:
            self.emitted.append((address, data))

    def pass2_statement(self, st: _Statement) -> None:
        op = st.op
        if st.row is not None:
            st.obj = self.instruction(st)
            if st.section is not None and st.domain == 0:
                self.emitted.append((st.loc, st.obj))
        elif op == "DC":
            self.pass2_dc(st)
        elif op == "USING":
            self.using(st)
        elif op == "DROP":
            self.drop(st)
        elif op == "CNOP":
            st.obj = bytes.fromhex("0700") * (st.size // 2)
            self.emit(st, st.loc, st.obj)
        elif op == "END":
            texts = _operands_or_none(st.operands)
            if len(texts) > 1:
                raise _Err("END has one operand")
            if texts:
                v = _evaluate(texts[0], self.stmt_ctx(st))
                if v.domain() not in (None, 0):
                    raise _Err("END operand must be an address in the image")
                self.entry = v.value
            self.emit_pool(st.pool)
        elif op == "LTORG":
            self.emit_pool(st.pool)

    def emit_pool(self, pool: list[_Literal]) -> None:
        for lit in pool:
            try:
                data = self.constant_bytes(lit.const, self.ctx(None), lit.address)
            except _Err as exc:
                raise self.fail(lit.line, str(exc)) from None
            if lit.domain == 0:
                self.emitted.append((lit.address, data))

    def pass2_dc(self, st: _Statement) -> None:
        obj = bytearray()
        for const in st.constants:
            ctx = self.ctx(_Val(const.address, _rel_of(st.domain)), const.length_attribute)
            data = self.constant_bytes(const, ctx, const.address if st.domain == 0 else None)
            obj += bytes(const.address - st.loc - len(obj))
            obj += data
        st.obj = bytes(obj)
        self.emit(st, st.loc, st.obj)

    def constant_bytes(self, const: _Constant, ctx: _Context, address: int | None = None
                       ) -> bytes:
        """The bytes of a constant; with the ``address`` it is assembled at (in a
        CSECT), its relocatable address constants are noted for the RLD."""
        unit = bytearray()
        relocations: list[tuple[int, int, str, int, _Section | str]] = []
        for element, length in zip(const.elements, const.lengths):
            if isinstance(element, bytes):
                unit += element
            elif isinstance(element, str):
                at = len(unit)
                data, targets = self.address_constant(const.type, element, length, ctx)
                relocations += [(at, length, const.type, sign, target)
                                for sign, target in targets]
                unit += data
        if address is not None and relocations:
            for k in range(const.dup):
                self.relocations += [(address + k * len(unit) + at, length, kind, sign, target)
                                     for at, length, kind, sign, target in relocations]
        return bytes(unit) * const.dup

    def address_constant(self, kind: str, text: str, length: int, ctx: _Context
                         ) -> tuple[bytes, list[tuple[int, _Section | str]]]:
        """An A, Y, S or V constant's bytes and what relocates it: (sign, the
        section or the external symbol's name) for each relocatable term."""
        if kind == "S":
            base, disp, _ = self.storage_address(text, ctx)
            return bytes([(base << 4) | (disp >> 8), disp & 0xFF]), []
        v = _evaluate(text, ctx)
        externals = [(d, c) for d, c in v.rel if d < 0]
        local = _Val(v.value, tuple((d, c) for d, c in v.rel if d >= 0))
        domain = local.domain()
        targets: list[tuple[int, _Section | str]] = []
        for d, c in externals:
            if c not in (1, -1):
                raise _Err("complex relocatable expression")
            name = next(n for n, dom in self.externals.items() if dom == d)
            targets.append((c, name))
        if domain == 0:
            targets.insert(0, (1, self.section_at(v.value)))
        top = (1 << (8 * length)) - 1
        lo = 0 if domain is not None and not externals else -(1 << (8 * length - 1))
        return _twos(v.value, length, lo, top, f"{kind}L{length}"), targets

    def section_at(self, address: int) -> _Section:
        """The control section an address belongs to: the last one starting at or
        below it (the first one for an address below them all)."""
        found = self.image_sections[0]
        for sec in self.image_sections:
            if sec.start <= address:
                found = sec
        return found

    def storage_address(self, text: str, ctx: _Context) -> tuple[int, int, int]:
        """S-type constant: ``expr`` or ``D(B)``: (base, displacement, length)."""
        p = _Parser(text, ctx)
        disp = p.expr()
        if p.at_end():
            base, d = self.resolve(disp)
            return base, d, disp.length
        p.expect("(")
        b = p.expr()
        p.expect(")")
        if not p.at_end():
            raise p.error()
        return self.register(b, "base register"), self.displacement(disp), disp.length

    # -- USING ------------------------------------------------------------
    def using(self, st: _Statement) -> None:
        texts = split_operands(st.operands)
        if len(texts) < 2:
            raise _Err("USING needs a base address and a register")
        ctx = self.stmt_ctx(st)
        if texts[0].startswith("("):
            p = _Parser(texts[0], ctx)
            p.i = 1
            p.expr()
            if p.peek() == ",":
                raise _Err("USING with a range is not supported")
        base = _evaluate(texts[0], ctx)
        domain = base.domain()
        if domain is not None and domain < 0:
            raise _Err("USING of an external symbol")
        st.value = base.value
        for k, text in enumerate(texts[1:]):
            reg = self.register(_evaluate(text, ctx), "USING register")
            if reg == 0 and base.value + 4096 * k != 0:
                raise _Err("register 0 can only be a base for address 0")
            self.usings[reg] = (base.value + 4096 * k, domain)

    def drop(self, st: _Statement) -> None:
        texts = _operands_or_none(st.operands)
        if not texts:
            self.usings.clear()
            return
        for text in texts:
            reg = self.register(_evaluate(text, self.stmt_ctx(st)), "DROP register")
            self.usings.pop(reg, None)

    def resolve(self, v: _Val) -> tuple[int, int]:
        """Base register and displacement for an implicit address."""
        domain = v.domain()
        if domain is not None and domain < 0:
            raise _Err("an external symbol is not an address here (only in A- and "
                       "V-type constants)")
        if domain is None and 0 <= v.value <= 4095:
            return 0, v.value
        best: tuple[int, int] | None = None
        for reg, (base, bdom) in self.usings.items():
            same = bdom == domain or (not bdom and not domain)
            disp = v.value - base
            if same and 0 <= disp <= 4095:
                if best is None or disp < best[1] or (disp == best[1] and reg > best[0]):
                    best = (reg, disp)
        if best is None:
            if domain is None:
                raise _Err(f"displacement {v.value} out of range")
            raise _Err(f"no USING for address {_hexa(v.value)}")
        return best

    # -- instructions --------------------------------------------------------
    @staticmethod
    def register(v: _Val, what: str, top: int = 15) -> int:
        if v.domain() is not None:
            raise _Err(f"{what} must be absolute")
        if not 0 <= v.value <= top:
            raise _Err(f"{what} {v.value} out of range (0-{top})")
        return v.value

    @staticmethod
    def displacement(v: _Val) -> int:
        if not 0 <= v.value <= 4095:
            raise _Err(f"displacement {v.value} out of range")
        return v.value

    def instruction(self, st: _Statement) -> bytes:
        row = st.row
        assert row is not None
        texts = split_operands(st.operands)
        if len(texts) != len(st.items):
            want = ",".join(i.text for i in st.items) or "no operands"
            raise _Err(f"{st.op} needs {len(st.items)} operand(s) ({want}), got {len(texts)}")
        fields = [0] * len(LAYOUT_FIELDS[row.layout])
        for slot, value in st.preset:
            fields[slot] = value
        ctx = self.stmt_ctx(st, row.length)
        for item, text in zip(st.items, texts):
            if not text:
                raise _Err(f"missing operand {item.text}")
            if item.kind == "storage":
                self.storage_operand(st, item, text, ctx, fields)
                continue
            v = _evaluate(text, ctx)
            if item.kind == "svc":
                n = self.register(v, "SVC number", 255)
                fields[0], fields[1] = n >> 4, n & 15
            elif item.kind == "reg":
                fields[item.slot] = self.register(v, f"register {item.text}")
            elif item.kind == "mask":
                fields[item.slot] = self.register(v, f"mask {item.text}")
            elif item.kind == "imm8":
                fields[item.slot] = self.register(v, f"immediate {item.text}", 255)
            else:
                fields[item.slot] = self.register(v, f"immediate {item.text}", 15)
        return encode(row, tuple(fields))

    def storage_operand(self, st: _Statement, item: OperandItem, text: str,
                        ctx: _Context, fields: list[int]) -> None:
        middle: _Val | None = None
        base_v: _Val | None = None
        explicit = False
        if text.startswith("="):
            lit = st.literals.get(text)
            if lit is None:
                raise _Err("literal not allowed here")
            disp = _Val(lit.address, _rel_of(lit.domain), lit.const.length_attribute)
        else:
            p = _Parser(text, ctx)
            disp = p.expr()
            if not p.at_end():
                p.expect("(")
                if p.peek() != ",":
                    middle = p.expr()
                if p.peek() == ",":
                    p.i += 1
                    base_v = p.expr()
                    explicit = True
                p.expect(")")
                if not p.at_end():
                    raise p.error()
                if item.middle == "" and not explicit:
                    base_v, middle, explicit = middle, None, True
                elif item.middle == "" :
                    raise _Err(f"operand {item.text} has no index or length: {text}")
        if explicit:
            assert base_v is not None
            b = self.register(base_v, "base register")
            d = self.displacement(disp)
        else:
            b, d = self.resolve(disp)
        fields[item.base] = b
        fields[item.slot] = d
        if item.middle == "X":
            fields[item.mslot] = 0 if middle is None else self.register(middle, "index register")
        elif item.middle == "R":
            if middle is None:
                raise _Err(f"operand {item.text} needs the register R1")
            fields[item.mslot] = self.register(middle, "register R1")
        elif item.middle in ("L", "L4"):
            top = 256 if item.middle == "L" else 16
            if middle is None:
                n = disp.length
                if not 1 <= n <= top:
                    raise _Err(f"implicit length {n} out of range (1-{top})")
            else:
                n = self.register(middle, "length", top)
            fields[item.mslot] = max(n - 1, 0)

    # -- output --------------------------------------------------------------
    def module(self) -> ObjectModule:
        """The object module: each control section an SD (PC if unnamed) at its
        assembled address, externals ER or WX, ENTRY symbols LD; ESDIDs in order of
        appearance (the unnamed section, when used, first)."""
        order: list[_Section | str] = []
        if self.private_used and self.private in self.image_sections:
            order.append(self.private)
        order += self.esd_order
        esdid: dict[int, int] = {}        # id(section) -> ESDID
        ext_id: dict[str, int] = {}
        esd: list[EsdItem] = []
        for item in order:
            n = len(esd) + 1
            if isinstance(item, str):
                kind, line = self.external_kind[item]
                self.check_name(item, line)
                ext_id[item] = n
                esd.append(EsdItem(item, kind, n))
            else:
                line = self.symbols[item.name].line if item.name else 1
                self.check_name(item.name, line)
                esdid[id(item)] = n
                esd.append(EsdItem(item.name, "SD" if item.name else "PC", n, item.start,
                                   item.high - item.start))
        for name, sym, line in self.entry_symbols():
            if name not in self.sections:
                self.check_name(name, line)
                esd.append(EsdItem(name, "LD", 0, sym.value, 0,
                                   esdid[id(self.section_at(sym.value))]))
        text = []
        for sec in self.image_sections:
            if id(sec) not in esdid:
                continue
            size = sec.high - sec.start
            data, used = bytearray(size), bytearray(size)
            for address, piece in self.emitted:
                if sec.start <= address < sec.high:
                    k = address - sec.start
                    data[k:k + len(piece)] = piece
                    used[k:k + len(piece)] = b"\x01" * len(piece)
            k = 0
            while k < size:
                if not used[k]:
                    k += 1
                    continue
                end = used.find(0, k)
                end = size if end < 0 else end
                text.append((esdid[id(sec)], sec.start + k, bytes(data[k:end])))
                k = end
        rld = []
        for address, length, kind, sign, target in sorted(
                self.relocations, key=lambda r: (esdid[id(self.section_at(r[0]))], r[0])):
            position = esdid[id(self.section_at(address))]
            external = isinstance(target, str)
            relocation = ext_id[target] if isinstance(target, str) else esdid[id(target)]
            rld.append(RldItem(position, relocation, address, length,
                               kind == "V" and external, sign < 0))
        entry = None
        if self.entry is not None:
            entry = (esdid[id(self.section_at(self.entry))], self.entry)
        deck_id = next((st.label for st in self.statements if st.op == "TITLE" and st.label), "")
        return ObjectModule(esd, text, rld, entry, deck_id[:8])

    def entry_symbols(self) -> list[tuple[str, Symbol, int]]:
        """The ENTRY symbols, each once: (name, symbol, line of its ENTRY); each
        must be defined in a control section."""
        out: dict[str, tuple[str, Symbol, int]] = {}
        for name, line in self.entries:
            sym = self.symbols.get(name)
            if sym is None:
                raise self.fail(line, f"ENTRY symbol {name} is not defined")
            if sym.domain != 0:
                raise self.fail(line, f"ENTRY symbol {name} is not in a control section")
            out.setdefault(name, (name, sym, line))
        return list(out.values())

    def check_name(self, name: str, line: int) -> None:
        if len(name) > _MAX_EXTERNAL:
            raise self.fail(line, f"external name {name} is longer than {_MAX_EXTERNAL} "
                                  f"characters (the object deck's limit)")

    def image(self) -> bytes:
        size = max(s.high for s in self.image_sections)
        out = bytearray(size)
        for address, data in self.emitted:
            out[address:address + len(data)] = data
        return bytes(out)

    def listing(self) -> str:
        lines = ["  LOC   OBJECT CODE       STMT  SOURCE"]
        for st in self.statements:
            if st.op == "EQU" and st.value is not None:
                loc = f"{st.value & 0xFFFFFFFF:06X}"
            elif st.op == "USING" and st.value is not None:
                loc = f"{st.value & 0xFFFFFFFF:06X}"
            elif st.show_loc and st.op:
                loc = f"{st.loc:06X}"
            else:
                loc = ""
            obj = st.obj[:8].hex().upper()
            lines.append(f"{loc:>6}  {obj:<16}  {st.number:5d}  {st.source}".rstrip())
            for lit in st.pool:
                lines.append(self.literal_line(lit))
        for lit in self.tail_pool:
            lines.append(self.literal_line(lit))
        lines.append("")
        lines.append("SYMBOL                            VALUE  LENGTH  RELOC  DEFN")
        for name in sorted(self.symbols):
            sym = self.symbols[name]
            reloc = "ABS" if sym.domain is None else "CSECT" if sym.domain == 0 else "DSECT"
            lines.append(f"{name:<32}  {sym.value & 0xFFFFFFFF:06X}  {sym.length:6d}  "
                         f"{reloc:<5}  {sym.line:4d}")
        return "\n".join(lines) + "\n"

    def literal_line(self, lit: _Literal) -> str:
        try:
            data = self.constant_bytes(lit.const, self.ctx(None))
        except _Err:
            data = b""
        return f"{lit.address:06X}  {data[:8].hex().upper():<16}         {lit.text}"


def assemble(source: str, filename: str = "<input>", object_module: bool = False) -> Assembly:
    """Assemble ``source``; raise ``AssemblyError('file:line: message')`` on error.

    With ``object_module`` the result has the object module too (``module``), and
    external symbols may stay unresolved in it (the loader resolves them); without,
    a reference to an external symbol is an error, as nothing links an image."""
    asm = _Assembler(source, filename, object_module)
    asm.pass1()
    asm.pass2()
    asm.entry_symbols()
    symbols = {name: sym.value for name, sym in asm.symbols.items()}
    return Assembly(image=asm.image(), origin=asm.image_sections[0].start,
                    listing=asm.listing(), symbols=symbols, symbol_table=dict(asm.symbols),
                    entry=asm.entry, module=asm.module() if object_module else None)
