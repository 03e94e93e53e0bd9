"""OS/360 object decks: the writer (from an assembly) and the reader and loader.

An object deck is a sequence of 80-byte card images, all in EBCDIC: ESD cards (the
external symbol dictionary), TXT cards (the text: the assembled bytes), RLD cards
(the relocation dictionary) and one END card, in that order.  The formats are those
of IBM's HLASM Programmer's Guide (SC26-4941), appendix "Object deck output", which
keeps those of the OS/360 assembler and linkage editor.  Columns are numbered from
1; "blank" is the EBCDIC space X'40'; numbers are unsigned binary, big-endian.

Every card
    col 1       X'02'
    col 2-4     the card type, EBCDIC: ESD, TXT, RLD or END
    col 73-80   deck ID and sequence number: the name of the first TITLE statement
                that has one (at most 8 characters), then the card's number from 1
                in the remaining columns as EBCDIC decimal digits, zero-filled
                (``00000001`` without a name, ``DECK0001`` for the name DECK); the
                number wraps when it outgrows its columns.

ESD card
    col 5-10    blank
    col 11-12   the number of bytes in the variable field: 16, 32 or 48
    col 13-14   blank
    col 15-16   the ESDID of the first SD, PC, ER or WX item on the card (the others
                follow it consecutively); blank when all items are LDs
    col 17-64   one to three 16-byte items:
                  8 bytes  the name, EBCDIC, blank-padded (blank for PC)
                  1 byte   the type: X'00' SD (control section), X'01' LD (label
                           definition: an ENTRY), X'02' ER (external reference),
                           X'04' PC (private code: the unnamed section), X'0A' WX
                           (weak external reference)
                  3 bytes  the address: a section's assembled address, an LD's
                           assembled address; zero for ER and WX
                  1 byte   the flag: for SD and PC the AMODE/RMODE bits, X'00'
                           (AMODE 24, RMODE 24); blank for LD, ER and WX
                  3 bytes  SD, PC: the section's length; LD: the ESDID of the
                           section holding it; ER, WX: blank
    col 65-72   blank
TXT card
    col 5       blank
    col 6-8     the assembled address of the first byte of text on the card
    col 9-10    blank
    col 11-12   the number of bytes of text, 1 to 56
    col 13-14   blank
    col 15-16   the ESDID of the section the text belongs to
    col 17-72   the text, blank after the last byte
RLD card
    col 5-10    blank
    col 11-12   the number of bytes of RLD items in col 17-72
    col 13-16   blank
    col 17-72   the items, blank after the last.  An item is the relocation ESDID
                (2 bytes: the section or external symbol whose address is added),
                the position ESDID (2 bytes: the section holding the constant), a
                flag byte and the constant's assembled address (3 bytes).  The
                flag: bit 0 reserved (0); bit 1, add 4 to the length; bits 2-3 the
                constant's type, 0 A and 1 V (2 Q and 3 CXD are not supported);
                bits 4-5 the length minus 1; bit 6 the direction, 0 add and 1
                subtract; bit 7: the next item has the same relocation and position
                ESDIDs, and they are left out of it (it is 4 bytes: flag and
                address).  The first item of a card has both ESDIDs, so the last
                item of a card has bit 7 off.
END card
    col 5       blank
    col 6-8     the entry point's assembled address (the END operand), or blank
    col 9-14    blank
    col 15-16   the ESDID of the section holding the entry point, or blank
    col 17-72   blank: no symbolic entry point, no section length (the ESD items
                give every length) and no IDR (translator identification) data
    col 73-80   deck ID and sequence number

What the writer produces: all ESD cards (sections, ER and WX items in ESDID order,
then the LDs), the TXT cards (each run of assembled bytes cut into cards of 56; a
run ends where nothing was assembled: DS, ORG, alignment left unfilled), the RLD
cards (the items in order of position ESDID and address) and the END card.

What the reader accepts: exactly what is described above, plus SYM cards (which it
skips) and ESD types X'0D' and X'0E' (quad-aligned SD and PC, read as SD and PC).
Anything else is a ``DeckError`` naming the card: a card of other than 80 bytes,
column 1 not X'02', another card type, an unknown ESD type (common, external dummy
section), an ESDID out of sequence, text outside its section, an RLD item with an
unknown ESDID, of type Q or CXD, or outside its section, an LD outside its
section, a card after END, no END.

Detection (``is_deck``): a file is an object deck when its first byte is X'02' and
the next three are EBCDIC ``ESD`` or ``TXT`` (the first card of any deck an
assembler writes); any other file is a raw image.

Loading (``load_deck``): the module keeps its assembled layout and moves as a
whole: every section goes to its assembled address plus (origin minus the first
section's assembled address); the default origin is the first section's own
address (HLASM assembles at 0 unless START says otherwise).  The result is an image
from address 0 (zeros wherever no text was loaded), as a raw image is, started the
same way (clear reset, the image at 0, the PSW at 0 loaded by a restart
interruption).  Each RLD item adds (or subtracts) to its constant the relocation of
its relocation ESDID: for a section, the distance it moved; for an ER or WX, the
loaded address of the SD or LD of that name in the deck (a WX that nothing defines
is 0; an ER that nothing defines is an error).  The constant keeps its length, the
sum wrapping to it.  The PSW at 0: when the END card gives an entry point, the
loader stores there a BC-mode PSW, X'00000000' and the loaded entry address (key 0,
supervisor state, every interruption disabled), over any text there; without an
entry point, a module loaded below address 8 keeps its own doubleword at 0, and
otherwise the PSW points at the first byte of the first section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reference.arch.ebcdic import to_ascii, to_ebcdic
from reference.asm.assembler import EsdItem, ObjectModule, RldItem

__all__ = ["CARD", "TEXT_PER_CARD", "DeckError", "Deck", "LoadedDeck", "write_deck",
           "is_deck", "read_deck", "load_deck"]

CARD = 80                   # bytes of a card image
TEXT_PER_CARD = 56          # bytes of text on a TXT card (col 17-72)
_RLD_FIELD = 56             # bytes of RLD items on a card (col 17-72)
_BLANK = b"\x40"
_TOP = 1 << 24
_ESD, _TXT, _RLD, _END, _SYM = (to_ebcdic(t) for t in ("ESD", "TXT", "RLD", "END", "SYM"))
_ESD_TYPE = {"SD": 0x00, "LD": 0x01, "ER": 0x02, "PC": 0x04, "WX": 0x0A}
_TYPE_NAME = {0x00: "SD", 0x01: "LD", 0x02: "ER", 0x04: "PC", 0x0A: "WX", 0x0D: "SD",
              0x0E: "PC"}
_UNSUPPORTED_ESD = {0x05: "common (CM)", 0x06: "external dummy section (XD)",
                    0x0F: "quad-aligned common (CM)"}
_FLAG_V, _FLAG_MINUS, _FLAG_SAME = 0x10, 0x02, 0x01


class DeckError(Exception):
    """A malformed object deck: ``card`` is the number of the card (from 1)."""

    def __init__(self, card: int, message: str) -> None:
        super().__init__(f"card {card}: {message}")
        self.card = card
        self.message = message


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def _sequence(deck_id: str, number: int) -> bytes:
    """Columns 73-80: the deck ID, then the card number in the columns left."""
    width = 8 - len(deck_id)
    digits = f"{number % 10 ** width:0{width}d}" if width else ""
    return to_ebcdic(deck_id + digits)


def _card(kind: bytes, fields: bytes, deck_id: str, number: int) -> bytes:
    """A card: X'02', the type, columns 5-72 from ``fields`` (blank-padded) and the
    sequence field."""
    body = b"\x02" + kind + fields
    assert len(body) <= 72
    return body.ljust(72, _BLANK) + _sequence(deck_id, number)


def _name(name: str) -> bytes:
    return to_ebcdic(name).ljust(8, _BLANK)


def _esd_item(item: EsdItem) -> bytes:
    last = {"SD": item.length, "PC": item.length, "LD": item.owner}.get(item.kind)
    flag = b"\x00" if item.kind in ("SD", "PC") else _BLANK
    return (_name(item.name) + bytes([_ESD_TYPE[item.kind]]) + item.address.to_bytes(3, "big")
            + flag + (_BLANK * 3 if last is None else last.to_bytes(3, "big")))


def _rld_flag(item: RldItem) -> int:
    return (_FLAG_V if item.vcon else 0) | (item.length - 1) << 2 | (
        _FLAG_MINUS if item.negative else 0)


def write_deck(module: ObjectModule) -> bytes:
    """The object deck of an object module (``assemble(..., object_module=True)``)."""
    cards: list[tuple[bytes, bytes]] = []          # (type, columns 5-72)
    items = [e for e in module.esd if e.kind != "LD"] + [e for e in module.esd if e.kind == "LD"]
    for k in range(0, len(items), 3):
        group = items[k:k + 3]
        first = next((e.esdid for e in group if e.kind != "LD"), None)
        cards.append((_ESD, _BLANK * 6 + (16 * len(group)).to_bytes(2, "big") + _BLANK * 2
                      + (_BLANK * 2 if first is None else first.to_bytes(2, "big"))
                      + b"".join(_esd_item(e) for e in group)))
    for esdid, address, data in module.text:
        for k in range(0, len(data), TEXT_PER_CARD):
            piece = data[k:k + TEXT_PER_CARD]
            cards.append((_TXT, _BLANK + (address + k).to_bytes(3, "big") + _BLANK * 2
                          + len(piece).to_bytes(2, "big") + _BLANK * 2
                          + esdid.to_bytes(2, "big") + piece))
    for rlds in _rld_cards(module.rld):
        items_ = bytearray()
        for k, rld in enumerate(rlds):
            same_as_next = k + 1 < len(rlds) and _same(rlds[k + 1], rld)
            if k == 0 or not _same(rld, rlds[k - 1]):
                items_ += rld.relocation.to_bytes(2, "big") + rld.position.to_bytes(2, "big")
            items_.append(_rld_flag(rld) | (_FLAG_SAME if same_as_next else 0))
            items_ += rld.address.to_bytes(3, "big")
        cards.append((_RLD, _BLANK * 6 + len(items_).to_bytes(2, "big") + _BLANK * 4
                      + bytes(items_)))
    if module.entry is None:
        end = _BLANK * 12
    else:
        esdid, address = module.entry
        end = _BLANK + address.to_bytes(3, "big") + _BLANK * 6 + esdid.to_bytes(2, "big")
    cards.append((_END, end))
    return b"".join(_card(kind, fields, module.deck_id, n)
                    for n, (kind, fields) in enumerate(cards, start=1))


def _same(a: RldItem, b: RldItem) -> bool:
    return a.relocation == b.relocation and a.position == b.position


def _rld_cards(items: list[RldItem]) -> list[list[RldItem]]:
    """The RLD items cut into cards: an item takes 8 bytes, or 4 when it follows
    one with the same ESDIDs on the same card."""
    cards: list[list[RldItem]] = []
    used = _RLD_FIELD
    for item in items:
        size = 4 if cards and cards[-1] and _same(item, cards[-1][-1]) else 8
        if used + size > _RLD_FIELD:
            cards.append([])
            used, size = 0, 8
        cards[-1].append(item)
        used += size
    return cards


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@dataclass
class Section:
    """A section of a deck read: its ESD item and the card that defined it."""

    name: str
    esdid: int
    address: int
    length: int
    card: int


@dataclass
class Deck:
    """An object deck as read: sections and external references by ESDID, label
    definitions, text, RLD items and the entry point, each with its card."""

    sections: dict[int, Section] = field(default_factory=dict)
    externals: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # name, ER/WX, card
    labels: list[tuple[str, int, int, int]] = field(default_factory=list)  # name, addr, owner, card
    text: list[tuple[int, int, bytes, int]] = field(default_factory=list)  # esdid, addr, data, card
    rld: list[tuple[RldItem, int]] = field(default_factory=list)
    entry: tuple[int, int] | None = None
    cards: int = 0


def is_deck(data: bytes) -> bool:
    """True for the start of an object deck: X'02' then EBCDIC ESD or TXT."""
    return len(data) >= 4 and data[0] == 0x02 and data[1:4] in (_ESD, _TXT)


def _num(card: bytes, first: int, last: int) -> int:
    """Columns ``first`` to ``last`` (from 1) as an unsigned binary number."""
    return int.from_bytes(card[first - 1:last], "big")


def _blank(card: bytes, first: int, last: int) -> bool:
    return card[first - 1:last] == _BLANK * (last - first + 1)


def _text(raw: bytes) -> str:
    return to_ascii(raw).rstrip()


def read_deck(data: bytes) -> Deck:
    """Read an object deck; a ``DeckError`` names the first card that is wrong."""
    deck = Deck()
    count = (len(data) + CARD - 1) // CARD
    if count == 0:
        raise DeckError(1, "empty deck")
    ended = False
    for n in range(1, count + 1):
        card = data[(n - 1) * CARD:n * CARD]
        if len(card) != CARD:
            raise DeckError(n, f"{len(card)} bytes, not {CARD}")
        if ended:
            raise DeckError(n, "card after the END card")
        if card[0] != 0x02:
            raise DeckError(n, f"column 1 is X'{card[0]:02X}', not X'02'")
        kind = card[1:4]
        if kind == _ESD:
            _read_esd(deck, card, n)
        elif kind == _TXT:
            _read_txt(deck, card, n)
        elif kind == _RLD:
            _read_rld(deck, card, n)
        elif kind == _END:
            _read_end(deck, card, n)
            ended = True
        elif kind != _SYM:
            raise DeckError(n, f"card type {to_ascii(kind)!r} (X'{kind.hex().upper()}') is "
                               f"not ESD, TXT, RLD or END")
    deck.cards = count
    if not ended:
        raise DeckError(count, "the deck ends without an END card")
    return deck


def _next_esdid(deck: Deck) -> int:
    return len(deck.sections) + len(deck.externals) + 1


def _defined_names(deck: Deck) -> set[str]:
    return {s.name for s in deck.sections.values() if s.name} | {n for n, *_ in deck.labels}


def _read_esd(deck: Deck, card: bytes, n: int) -> None:
    size = _num(card, 11, 12)
    if size not in (16, 32, 48):
        raise DeckError(n, f"ESD variable field of {size} bytes (16, 32 or 48)")
    esdid = None if _blank(card, 15, 16) else _num(card, 15, 16)
    for k in range(size // 16):
        item = card[16 + 16 * k:32 + 16 * k]
        name = _text(item[:8])
        code = item[8]
        address = int.from_bytes(item[9:12], "big")
        last = int.from_bytes(item[13:16], "big")
        where = f"ESD item {k + 1}"
        if code in _UNSUPPORTED_ESD:
            raise DeckError(n, f"{where}: {_UNSUPPORTED_ESD[code]} is not supported")
        kind = _TYPE_NAME.get(code)
        if kind is None:
            raise DeckError(n, f"{where}: unknown ESD type X'{code:02X}'")
        if kind == "LD":
            owner = deck.sections.get(last)
            if owner is None:
                raise DeckError(n, f"{where}: LD {name} in unknown section ESDID {last}")
            if not owner.address <= address <= owner.address + owner.length:
                raise DeckError(n, f"{where}: LD {name} at X'{address:06X}' is outside "
                                   f"section {owner.name or '(private)'}")
            if name in _defined_names(deck):
                raise DeckError(n, f"{where}: {name} defined twice")
            deck.labels.append((name, address, last, n))
            continue
        if esdid is None:
            raise DeckError(n, f"{where}: {kind} item on a card without an ESDID (col 15-16)")
        if esdid != _next_esdid(deck):
            raise DeckError(n, f"{where}: ESDID {esdid} out of sequence "
                               f"(expected {_next_esdid(deck)})")
        if kind in ("SD", "PC"):
            if kind == "SD" and name in _defined_names(deck):
                raise DeckError(n, f"{where}: {name} defined twice")
            if address + last > _TOP:
                raise DeckError(n, f"{where}: section {name or '(private)'} beyond X'FFFFFF'")
            deck.sections[esdid] = Section(name, esdid, address, last, n)
        else:
            if not name:
                raise DeckError(n, f"{where}: {kind} item without a name")
            deck.externals[esdid] = (name, kind, n)
        esdid += 1


def _section(deck: Deck, esdid: int, n: int, what: str) -> Section:
    sec = deck.sections.get(esdid)
    if sec is None:
        raise DeckError(n, f"{what} ESDID {esdid} is not a section of the deck")
    return sec


def _read_txt(deck: Deck, card: bytes, n: int) -> None:
    address, size, esdid = _num(card, 6, 8), _num(card, 11, 12), _num(card, 15, 16)
    if not 1 <= size <= TEXT_PER_CARD:
        raise DeckError(n, f"TXT byte count {size} (1 to {TEXT_PER_CARD})")
    sec = _section(deck, esdid, n, "TXT")
    if not (sec.address <= address and address + size <= sec.address + sec.length):
        raise DeckError(n, f"text at X'{address:06X}'-X'{address + size - 1:06X}' is "
                           f"outside section {sec.name or '(private)'} "
                           f"(X'{sec.address:06X}', length {sec.length})")
    deck.text.append((esdid, address, card[16:16 + size], n))


def _read_rld(deck: Deck, card: bytes, n: int) -> None:
    size = _num(card, 11, 12)
    if not 8 <= size <= _RLD_FIELD:
        raise DeckError(n, f"RLD byte count {size} (8 to {_RLD_FIELD})")
    field_ = card[16:16 + size]
    i = 0
    same = False
    relocation = position = 0
    while i < size:
        if not same:
            if i + 8 > size:
                raise DeckError(n, f"RLD item at column {17 + i} cut off by the byte count")
            relocation = int.from_bytes(field_[i:i + 2], "big")
            position = int.from_bytes(field_[i + 2:i + 4], "big")
            i += 4
        elif i + 4 > size:
            raise DeckError(n, f"RLD item at column {17 + i} cut off by the byte count")
        flag = field_[i]
        address = int.from_bytes(field_[i + 1:i + 4], "big")
        i += 4
        same = bool(flag & _FLAG_SAME)
        kind = (flag >> 4) & 3
        if kind > 1:
            raise DeckError(n, f"RLD item at X'{address:06X}': "
                               f"{'Q' if kind == 2 else 'CXD'}-type constant not supported")
        length = ((flag >> 2) & 3) + 1 + (4 if flag & 0x40 else 0)
        if relocation not in deck.sections and relocation not in deck.externals:
            raise DeckError(n, f"RLD item at X'{address:06X}': relocation ESDID {relocation} "
                               f"is unknown")
        sec = _section(deck, position, n, f"RLD item at X'{address:06X}': position")
        if not (sec.address <= address and address + length <= sec.address + sec.length):
            raise DeckError(n, f"RLD item at X'{address:06X}' (length {length}) is outside "
                               f"section {sec.name or '(private)'} (X'{sec.address:06X}', "
                               f"length {sec.length})")
        deck.rld.append((RldItem(position, relocation, address, length, kind == 1,
                                 bool(flag & _FLAG_MINUS)), n))
    if same:
        raise DeckError(n, "the last RLD item of the card says the next has the same ESDIDs")


def _read_end(deck: Deck, card: bytes, n: int) -> None:
    if not _blank(card, 17, 24):
        raise DeckError(n, "END with a symbolic entry point is not supported")
    if _blank(card, 6, 8) and _blank(card, 15, 16):
        return
    if _blank(card, 6, 8) or _blank(card, 15, 16):
        raise DeckError(n, "END gives an entry address without its ESDID, or the reverse")
    address, esdid = _num(card, 6, 8), _num(card, 15, 16)
    sec = _section(deck, esdid, n, "END entry point")
    if not sec.address <= address <= sec.address + sec.length:
        raise DeckError(n, f"entry point X'{address:06X}' is outside section "
                           f"{sec.name or '(private)'}")
    deck.entry = (esdid, address)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadedDeck:
    """A deck loaded: the image from address 0, where the module went (origin)
    and the address where it starts."""

    image: bytes
    origin: int
    start: int


def load_deck(deck: Deck, origin: int | None = None) -> LoadedDeck:
    """Load a deck read by ``read_deck`` at ``origin`` (default: its own address)."""
    if not deck.sections:
        raise DeckError(deck.cards, "the deck has no control section to load")
    first = deck.sections[min(deck.sections)]
    if origin is None:
        origin = first.address
    delta = origin - first.address
    placed = sorted(deck.sections.values(), key=lambda s: s.address)
    for sec in placed:
        if not (0 <= sec.address + delta and sec.address + delta + sec.length <= _TOP):
            raise DeckError(sec.card, f"section {sec.name or '(private)'} loaded at origin "
                                      f"X'{origin:06X}' would lie outside 0-X'FFFFFF'")
    for a, b in zip(placed, placed[1:]):
        if a.address + a.length > b.address:
            raise DeckError(b.card, f"section {b.name or '(private)'} overlaps section "
                                    f"{a.name or '(private)'}")
    size = max(max(s.address + delta + s.length for s in placed), 8)
    image = bytearray(size)
    for _esdid, address, data, _card in deck.text:
        image[address + delta:address + delta + len(data)] = data
    defined = {s.name: s.address + delta for s in deck.sections.values() if s.name}
    defined.update({name: address + delta for name, address, _o, _c in deck.labels})
    relocation: dict[int, int] = {esdid: delta for esdid in deck.sections}
    for esdid, (name, kind, card) in deck.externals.items():
        if name in defined:
            relocation[esdid] = defined[name]
        elif kind == "WX":
            relocation[esdid] = 0
        else:
            raise DeckError(card, f"external symbol {name} is not defined in the deck "
                                  f"(no section or ENTRY of that name)")
    for item, _card in deck.rld:
        at = item.address + delta
        bits = 8 * item.length
        value = int.from_bytes(image[at:at + item.length], "big")
        value += -relocation[item.relocation] if item.negative else relocation[item.relocation]
        image[at:at + item.length] = (value % (1 << bits)).to_bytes(item.length, "big")
    start = first.address + delta
    if deck.entry is not None:
        start = deck.entry[1] + delta
        image[0:8] = bytes(4) + start.to_bytes(4, "big")
    elif start >= 8:
        image[0:8] = bytes(4) + start.to_bytes(4, "big")
    return LoadedDeck(bytes(image), origin, start)
