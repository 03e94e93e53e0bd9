"""Dynamic address translation (GA22-7000 ch.3 "Dynamic Address Translation").

S/370 DAT translates a 24-bit virtual address through a segment table and a page
table, both in real storage:

- CR0 bits 8-9 page size (01: 2K, 10: 4K), bits 11-12 segment size (00: 64K,
  10: 1M); any other combination is a translation-specification exception.
- The segment-table designation (CR1 for the primary space, CR7 for the secondary
  space): bits 0-7 segment-table length (in units of 16 entries), bits 8-25 the
  segment-table origin (64-byte aligned).
- A segment-table entry (4 bytes): bits 0-3 page-table length (compared with
  the leftmost four bits of the page index), bits 4-7 zero, bits 8-28 page-table origin (8-byte aligned),
  bit 29 segment protection, bit 30 common segment, bit 31 invalid.
- A page-table entry (2 bytes): 4K pages: bits 0-11 page-frame real address,
  bit 12 invalid, bits 13-14 extended real address (frames beyond 16M, so beyond
  this machine's storage), bit 15 not checked; 2K pages: bits 0-12 page-frame real
  address, bit 13 invalid, bits 14-15 zero (bit 14 nonzero is a
  translation-specification exception).

The segment-table length check is made for 64K segments (the leftmost four bits
of the segment index against the length); the page-table length check compares
the leftmost four bits of the page index with the page-table length.

The TLB holds completed translations keyed by (segment-table designation, page
index).  The architecture allows a TLB to keep an entry after the tables change
until PTLB or IPTE purges it; this model keeps every entry until a purge, which
is one of the outcomes the architecture allows (a program that changes a valid
table entry without purging sees unpredictable results: the conformance suite
stays out of that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .interrupts import (AddressingException, PageTranslation, SegmentTranslation,
                         TranslationSpecification)

if TYPE_CHECKING:
    from .machine import Machine

SEGMENT_PROTECTED = 0x4
COMMON_SEGMENT = 0x2
SEGMENT_INVALID = 0x1


class Format:
    """The translation format named by CR0 bits 8-12, decoded once per CR0 value."""

    __slots__ = ("page_shift", "segment_shift", "valid")

    def __init__(self, cr0: int) -> None:
        page_bits = cr0 >> 22 & 3
        segment_bits = cr0 >> 19 & 7
        self.page_shift = {1: 11, 2: 12}.get(page_bits, 0)
        self.segment_shift = {0: 16, 4: 20}.get(segment_bits, 0)
        self.valid = bool(self.page_shift and self.segment_shift)


def translate(m: Machine, vaddr: int, secondary: bool = False,
              use_tlb: bool = True) -> tuple[int, bool]:
    """Translate ``vaddr`` to a real address.

    Returns ``(real address, segment protected)``.  Raises the translation
    exceptions with the virtual address that caused them (stored at location 144
    by the interruption), and an addressing exception when a table entry lies
    outside main storage.
    """
    fmt = m.dat_format
    if not fmt.valid:
        raise TranslationSpecification("CR0 translation format")
    std = m.cr[7] if secondary else m.cr[1]
    page_shift = fmt.page_shift
    vpage = vaddr >> page_shift
    key = (std, vpage)
    if use_tlb:
        hit = m.tlb.get(key)
        if hit is not None:
            frame, protected = hit
            return frame | (vaddr & ((1 << page_shift) - 1)), protected
    tea = vaddr | (0x80000000 if secondary else 0)
    segment_index = vaddr >> fmt.segment_shift
    if fmt.segment_shift == 16 and (segment_index >> 4) > (std >> 24):
        raise SegmentTranslation(tea, "segment-table length")
    ste_addr = (std & 0x00FFFFC0) + segment_index * 4
    ste = m.fetch_real_word_for_translation(ste_addr)
    if ste & SEGMENT_INVALID:
        raise SegmentTranslation(tea, "segment invalid")
    if ste & 0x0F000000:
        raise TranslationSpecification("segment-table entry bits 4-7")
    page_index = (vaddr & ((1 << fmt.segment_shift) - 1)) >> page_shift
    # The page-table length is compared with the leftmost four bits of the
    # page index (bits 12-15 of the address for 1M segments, 16-19 for 64K).
    index_bits = fmt.segment_shift - page_shift
    if (page_index >> (index_bits - 4)) > (ste >> 28):
        raise PageTranslation(tea, "page-table length")
    pte_addr = (ste & 0x00FFFFF8) + page_index * 2
    pte = m.fetch_real_half_for_translation(pte_addr)
    if page_shift == 12:
        if pte & 0x0008:
            raise PageTranslation(tea, "page invalid")
        # Bits 13-14 are the extended real-address bits of models with more
        # than 16M: here they name frames beyond storage (addressing exception
        # on use).  Bit 15 is not checked, as on Hercules.
        frame = ((pte & 0x0006) << 23) | ((pte & 0xFFF0) << 8)
    else:
        if pte & 0x0004:
            raise PageTranslation(tea, "page invalid")
        if pte & 0x0003:
            raise TranslationSpecification("page-table entry bits 14-15")
        frame = (pte & 0xFFF8) << 8
    protected = bool(ste & SEGMENT_PROTECTED)
    if use_tlb:
        m.tlb[key] = (frame, protected)
    return frame | (vaddr & ((1 << page_shift) - 1)), protected


__all__ = ["Format", "translate", "AddressingException"]
