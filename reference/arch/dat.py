"""Dynamic address translation (GA22-7000 ch.3 "Dynamic Address Translation").

S/370 DAT translates a 24-bit virtual address through a segment table and a page
table, both in real storage:

- CR0 bits 8-12, the translation format: bits 8-9 page size (01: 2K, 10: 4K), bit
  10 zero, bits 11-12 segment size (00: 64K, 10: 1M).  Only the codes 01000,
  01010, 10000 and 10010 are valid; any other is a translation-specification
  exception (GA22-7000 ch.6 "Translation-Specification Exception", cause 1).
- The segment-table designation (CR1 for the primary space, CR7 for the secondary
  space): bits 0-7 segment-table length (in units of 64 bytes, 16 entries), bits
  8-25 the segment-table origin (64-byte aligned).
- A segment-table entry (4 bytes): bits 0-3 page-table length (compared with
  the leftmost four bits of the page index), bits 4-7 zero, bits 8-28 page-table
  origin (8-byte aligned), bit 29 segment protection, bit 30 common segment, bit
  31 invalid.  Ones in bits 4-7 of a valid entry are a translation-specification
  exception (bits 29 and 30 are in use: segment protection and common segment are
  installed).
- A page-table entry (2 bytes): 4K pages: bits 0-11 page-frame real address,
  bit 12 invalid, bits 13-14 the extended real-address bits (this model has the
  extended-real-addressing facility: they name frames beyond 16M, so beyond this
  machine's storage: an addressing exception when the frame is used), bit 15 not
  checked; 2K pages: bits 0-12 page-frame real address, bit 13 invalid, bit 14 must
  be zero in a valid entry (translation specification), bit 15 not checked.

The segment-table length check is made for 64K segments (the leftmost four bits
of the segment index against the length); with 1M segments the smallest table
(length 0, 16 entries) already covers every segment index.  The page-table length
check compares the leftmost four bits of the page index with the page-table length.

One table walk (``walk``) serves translation, LOAD REAL ADDRESS and the VMCP's
inspection of a guest's tables; it reads the entries through a ``TableStorage``:
the CPU's reads set the reference bit of the block read, an inspection's set none.

LOAD REAL ADDRESS (``load_real_address``) walks the same tables without the TLB
and reports segment-invalid, page-invalid and length violations as condition
codes 1, 2 and 3 with the real address of the table entry concerned (for a length
violation, the entry that would have been fetched, as Hercules does).

The TLB holds completed translations keyed by (segment-table designation, virtual
page), each with the real address of the page-table entry it was formed from, so
that INVALIDATE PAGE TABLE ENTRY can clear exactly the entries formed through the
entry it invalidates.  The architecture allows a TLB to keep an entry after the
tables change until PTLB or IPTE purges it, and also allows entries to disappear
at any time; this model keeps every entry until a purge (PTLB, IPTE, SPX, and any
change of control registers, which empties the whole TLB).  Which of these
outcomes a program sees after changing a valid table entry without purging is
unpredictable; the tests stay out of that.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from reference.arch.interrupts import (
    AddressingException,
    PageTranslation,
    SegmentTranslation,
    TranslationSpecification,
)

STO_MASK = 0x00FFFFC0                # designation bits 8-25: segment-table origin
SEGMENT_PROTECTED = 0x4              # entry bit 29
COMMON_SEGMENT = 0x2                 # entry bit 30
SEGMENT_INVALID = 0x1                # entry bit 31
STE_MUST_BE_ZERO = 0x0F000000        # entry bits 4-7
PTO_MASK = 0x00FFFFF8                # entry bits 8-28: page-table origin
PFRA_4K = 0xFFF0                     # 4K page-table entry bits 0-11: frame address
PTE_INVALID_4K = 0x0008              # bit 12
PTE_EXTENDED_4K = 0x0006             # bits 13-14: extended real-address bits
PFRA_2K = 0xFFF8                     # 2K page-table entry bits 0-12: frame address
PTE_INVALID_2K = 0x0004              # bit 13
PTE_MUST_BE_ZERO_2K = 0x0002         # bit 14
SECONDARY_TEA = 0x80000000           # bit 0 of the translation-exception address

# Outcomes of a table walk (the LRA condition codes).
TRANSLATED, SEGMENT_INVALID_CC, PAGE_INVALID_CC, LENGTH_VIOLATION_CC = 0, 1, 2, 3


class Format:
    """The translation format named by CR0 bits 8-12, decoded once per CR0 value."""

    __slots__ = ("page_shift", "segment_shift", "valid")

    def __init__(self, cr0: int) -> None:
        page_bits = cr0 >> 22 & 3     # CR0 bits 8-9
        segment_bits = cr0 >> 19 & 7  # CR0 bits 10-12
        self.page_shift = {1: 11, 2: 12}.get(page_bits, 0)
        # Bits 10-12: 000 is 64K segments, 010 is 1M segments (GA22-7000 ch.6,
        # codes 01000, 01010, 10000, 10010 for bits 8-12).
        self.segment_shift = {0: 16, 2: 20}.get(segment_bits, 0)
        self.valid = bool(self.page_shift and self.segment_shift)


class Walk(NamedTuple):
    """The result of a table walk: ``cc`` (0 translated, 1 segment invalid, 2 page
    invalid, 3 length violation), ``address`` (the real address for cc 0, else the
    real address of the table entry concerned), ``segment`` (for cc 3: whether the
    segment table was exceeded), and for cc 0 the page-frame real address, the
    segment-protection bit and the real address of the page-table entry."""

    cc: int
    address: int
    segment: bool = False
    frame: int = 0
    protected: bool = False
    pte_address: int = 0


class TableStorage(Protocol):
    """Real storage as the table walk reads it: the segment-table entry (a word)
    or page-table entry (a halfword) at a real address, prefixing applied; an
    entry outside main storage is an addressing exception.  The CPU's own reads
    set the reference bit of the 2K block read; a reader that inspects tables
    (the VMCP comparing its shadow tables with a guest's) sets none."""

    def fetch_real_word_for_translation(self, real: int) -> int: ...

    def fetch_real_half_for_translation(self, real: int) -> int: ...


class Translator(TableStorage, Protocol):
    """What translation uses of a CPU: CR0's translation format (``dat_format``),
    the segment-table designations in CR1 and CR7, the TLB, and its table reads."""

    cr: list[int]
    dat_format: Format
    tlb: dict[tuple[int, int], tuple[int, bool, int]]


def check_format(m: Translator) -> Format:
    """The current translation format; translation specification if invalid."""
    fmt: Format = m.dat_format
    if not fmt.valid:
        raise TranslationSpecification("CR0 translation format")
    return fmt


def page_table_entry_address(fmt: Format, page_table_origin: int, vaddr: int) -> int:
    """The real address of the page-table entry for ``vaddr`` in the page table
    at ``page_table_origin`` (two bytes per entry, indexed by the page index)."""
    page_index = (vaddr & ((1 << fmt.segment_shift) - 1)) >> fmt.page_shift
    return (page_table_origin + page_index * 2) & 0xFFFFFF


def walk(tables: TableStorage, fmt: Format, std: int, vaddr: int) -> Walk:
    """Walk the segment and page tables in ``tables`` for ``vaddr`` with the valid
    translation format ``fmt`` and segment-table designation ``std`` (no TLB).
    Raises translation-specification and addressing exceptions; reports the
    translation conditions in the returned ``Walk``."""
    page_shift = fmt.page_shift
    segment_index = vaddr >> fmt.segment_shift
    ste_addr = ((std & STO_MASK) + segment_index * 4) & 0xFFFFFF
    if fmt.segment_shift == 16 and (segment_index >> 4) > (std >> 24):
        return Walk(LENGTH_VIOLATION_CC, ste_addr, segment=True)
    ste = tables.fetch_real_word_for_translation(ste_addr)
    if ste & SEGMENT_INVALID:
        return Walk(SEGMENT_INVALID_CC, ste_addr)
    if ste & STE_MUST_BE_ZERO:
        raise TranslationSpecification("segment-table entry bits 4-7")
    pte_addr = page_table_entry_address(fmt, ste & PTO_MASK, vaddr)
    # The page-table length is compared with the leftmost four bits of the
    # page index (bits 12-15 of the address for 1M segments, 16-19 for 64K).
    page_index = (vaddr & ((1 << fmt.segment_shift) - 1)) >> page_shift
    index_bits = fmt.segment_shift - page_shift
    if (page_index >> (index_bits - 4)) > (ste >> 28):
        return Walk(LENGTH_VIOLATION_CC, pte_addr)
    pte = tables.fetch_real_half_for_translation(pte_addr)
    if page_shift == 12:
        if pte & PTE_INVALID_4K:
            return Walk(PAGE_INVALID_CC, pte_addr)
        # Bits 13-14: extended real-address bits (frames beyond 16M: an
        # addressing exception on use).  Bit 15 is not checked, as on Hercules.
        frame = ((pte & PTE_EXTENDED_4K) << 23) | ((pte & PFRA_4K) << 8)
    else:
        if pte & PTE_INVALID_2K:
            return Walk(PAGE_INVALID_CC, pte_addr)
        if pte & PTE_MUST_BE_ZERO_2K:
            raise TranslationSpecification("page-table entry bit 14")
        frame = (pte & PFRA_2K) << 8
    return Walk(TRANSLATED, frame | (vaddr & ((1 << page_shift) - 1)), frame=frame,
                protected=bool(ste & SEGMENT_PROTECTED), pte_address=pte_addr)


def translate(m: Translator, vaddr: int, secondary: bool = False,
              use_tlb: bool = True) -> tuple[int, bool]:
    """Translate ``vaddr`` to a real address.

    Returns ``(real address, segment protected)``.  Raises the translation
    exceptions with the virtual address that caused them (stored at location 144
    by the interruption, with bit 0 one for the secondary space), and an
    addressing exception when a table entry lies outside main storage.
    """
    fmt = m.dat_format
    if not fmt.valid:
        raise TranslationSpecification("CR0 translation format")
    std = m.cr[7] if secondary else m.cr[1]
    page_shift = fmt.page_shift
    key = (std, vaddr >> page_shift)
    if use_tlb:
        hit = m.tlb.get(key)
        if hit is not None:
            frame, protected, _ = hit
            return frame | (vaddr & ((1 << page_shift) - 1)), protected
    w = walk(m, fmt, std, vaddr)
    if w.cc != TRANSLATED:
        tea = vaddr | (SECONDARY_TEA if secondary else 0)
        if w.cc == SEGMENT_INVALID_CC or (w.cc == LENGTH_VIOLATION_CC and w.segment):
            raise SegmentTranslation(tea, "segment invalid or segment-table length")
        raise PageTranslation(tea, "page invalid or page-table length")
    if use_tlb:
        m.tlb[key] = (w.frame, w.protected, w.pte_address)
    return w.address, w.protected


def load_real_address(m: Translator, vaddr: int, secondary: bool) -> tuple[int, int]:
    """LOAD REAL ADDRESS: ``(condition code, value for R1)`` of translating
    ``vaddr`` with the current CR0 and CR1 (CR7 if ``secondary``), without the TLB
    and whatever the PSW's translation mode (GA22-7000 ch.10 "Load Real Address")."""
    w = walk(m, check_format(m), m.cr[7] if secondary else m.cr[1], vaddr)
    return w.cc, w.address


def purge_tlb_entries_for_pte(m: Translator, pte_address: int) -> None:
    """Clear the TLB entries formed through the page-table entry at real address
    ``pte_address`` (INVALIDATE PAGE TABLE ENTRY)."""
    stale = [k for k, (_, _, pte) in m.tlb.items() if pte == pte_address]
    for k in stale:
        del m.tlb[k]


__all__ = ["Format", "Walk", "TableStorage", "Translator", "translate", "walk", "load_real_address",
           "page_table_entry_address", "purge_tlb_entries_for_pte", "check_format",
           "AddressingException"]
