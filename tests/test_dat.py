"""Dynamic address translation: reference/arch/dat.py, the DAT path of the machine's
storage access, and the DAT instructions (LRA, PTLB, IPTE).

GA22-7000 ch.3 "Dynamic Address Translation", ch.6 (translation exceptions) and
ch.10.  Tables are built by hand in real storage; every expected real address is
worked out in the comments.  The translation-exception address at real location
144 is compared without its byte-index bits, which the manual leaves
unpredictable ("When 2K-byte pages are used, the rightmost 11 bits of the address
are unpredictable. When 4K-byte pages are used, the rightmost 12 bits").
"""

from __future__ import annotations

import pytest

from reference.arch import dat
from reference.machine.machine import Machine
from tests.support import (
    WAIT_PSW_BC,
    WAIT_PSW_EC,
    checked_program,
    load,
    make_machine,
    old_program_psw,
    word,
)

EC_BIT = 1 << 51
PROGRAM_TRAP = 0x0BA0

SEGMENT_TABLE = 0x3000      # up to 256 entries (1K): X'3000'-X'33FF'
PAGE_TABLES = 0x3400        # one 1K area per segment that has a page table

# CR0 bits 8-12 for (page size, segment size): 01000, 01010, 10000, 10010.
FORMATS = {(2048, 64 * 1024): 0x00400000, (2048, 1 << 20): 0x00500000,
           (4096, 64 * 1024): 0x00800000, (4096, 1 << 20): 0x00900000}
FORMAT_IDS = ["2K-64K", "2K-1M", "4K-64K", "4K-1M"]


def pte(page_size: int, frame: int | None) -> int:
    """A page-table entry: 4K: frame bits 8-19 in bits 0-11, bit 12 invalid; 2K:
    frame bits 8-20 in bits 0-12, bit 13 invalid."""
    if frame is None:
        return 0x0008 if page_size == 4096 else 0x0004
    return frame >> 8


class Tables:
    """Segment and page tables for one address space, written into ``m``."""

    def __init__(self, page_size: int, segment_size: int, *, origin: int = SEGMENT_TABLE,
                 page_tables: int = PAGE_TABLES, stl: int = 15) -> None:
        self.page_size, self.segment_size = page_size, segment_size
        self.origin, self.page_tables, self.stl = origin, page_tables, stl
        self.map: dict[int, int | None] = {}
        self.ste_flags: dict[int, int] = {}
        # The program's first 4K (PSWs, code at X'200', literals at X'800') is mapped
        # to itself.
        for v in range(0, 0x1000, page_size):
            self.map[v] = v

    @property
    def cr0(self) -> int:
        return FORMATS[(self.page_size, self.segment_size)]

    @property
    def std(self) -> int:
        return self.stl << 24 | self.origin

    def pages_per_segment(self) -> int:
        return self.segment_size // self.page_size

    def write(self, m: Machine) -> None:
        segments = sorted({v // self.segment_size for v in self.map})
        for s in range(16 * (self.stl + 1)):
            m.mem[self.origin + 4 * s:self.origin + 4 * s + 4] = word(0x00000001)   # invalid
        for n, s in enumerate(segments):
            pto = self.page_tables + 0x400 * n
            for p in range(self.pages_per_segment()):
                v = s * self.segment_size + p * self.page_size
                entry = pte(self.page_size, self.map.get(v))
                m.mem[pto + 2 * p:pto + 2 * p + 2] = entry.to_bytes(2, "big")
            ste = 0xF0000000 | pto | self.ste_flags.get(s, 0)
            m.mem[self.origin + 4 * s:self.origin + 4 * s + 4] = word(ste)

    def pte_address(self, v: int) -> int:
        segments = sorted({x // self.segment_size for x in self.map})
        n = segments.index(v // self.segment_size)
        return self.page_tables + 0x400 * n + 2 * ((v % self.segment_size) // self.page_size)


def run(items, tables: Tables | None, *, dat_on: bool = True, data=None, setup=None,
        cr0_extra: int = 0, steps: int = 2000, **kw) -> Machine:
    m = make_machine(checked_program(items), ec=True, system_mask=0x04 if dat_on else 0, data=data,
                     **kw)
    m.mem[0x68:0x70] = ((1 << 49) | EC_BIT | PROGRAM_TRAP).to_bytes(8, "big")
    if tables is not None:
        tables.write(m)
        m.cr[0] = tables.cr0 | cr0_extra
        m.cr[1] = tables.std
    m.control_changed()
    if setup is not None:
        setup(m)
    m.run(steps)
    return m


def program_code(m: Machine) -> int:
    return int.from_bytes(m.mem[0x8E:0x90], "big")


def tea(m: Machine) -> int:
    return int.from_bytes(m.mem[0x90:0x94], "big")


def completed(m: Machine) -> bool:
    """The program reached its final LPSW of the disabled-wait PSW at X'1F0'."""
    return m.psw_value() in (WAIT_PSW_BC, WAIT_PSW_EC)


def trapped(m: Machine) -> bool:
    return m.psw_value() & 0xFFFFFF == PROGRAM_TRAP


# --- the translation formats ------------------------------------------------------

@pytest.mark.parametrize("fmt", list(FORMATS), ids=FORMAT_IDS)
def test_fetch_and_store_through_each_translation_format(fmt):
    # Virtual X'105000' -> real frame X'7000'.  64K segments: segment index X'10'
    # (needs STL >= 1: X'10' >> 4 = 1), page index 5 (4K) or X'A' (2K).  1M
    # segments: segment 1, page index 5 or X'A'.  L from X'105010' reads real X'7010';
    # ST to X'105020' writes real X'7020'.
    t = Tables(*fmt)
    t.map[0x105000] = 0x7000
    m = run([*load(2, 0x105000), ("L", (3, 0, 2, 0x10)), ("ST", (3, 0, 2, 0x20))], t,
            data={0x7010: word(0x11223344), 0x5010: word(0xBAD)})
    assert completed(m)
    assert m.gpr[3] == 0x11223344
    assert m.mem[0x7020:0x7024] == word(0x11223344)


def test_two_k_pages_map_halves_of_a_4k_area_separately():
    # 2K pages, 64K segments: virtual X'6000' -> real X'9800', X'6800' -> real X'8000'.
    t = Tables(2048, 64 * 1024)
    t.map[0x6000] = 0x9800
    t.map[0x6800] = 0x8000
    m = run([*load(2, 0x6000), ("L", (3, 0, 2, 0)), ("L", (4, 0, 2, 0x800))], t,
            data={0x9800: word(0xAAAA0001), 0x8000: word(0xBBBB0002)})
    assert completed(m)
    assert (m.gpr[3], m.gpr[4]) == (0xAAAA0001, 0xBBBB0002)


def test_translated_access_sets_reference_and_change_bits_of_the_real_block():
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x7000
    m = run([*load(2, 0x5000), ("ST", (3, 0, 2, 0x900))], t)
    assert completed(m)
    assert m.keys[0x7800 >> 11] & 0x06 == 0x06     # X'5900' -> real X'7900', block X'7800'
    assert m.keys[0x5800 >> 11] & 0x06 == 0        # the untranslated address is untouched


def test_translated_real_page_zero_is_subject_to_prefixing():
    # Virtual X'5000' -> real X'0000', prefix X'8000': the store to virtual X'5100'
    # lands at absolute X'8100'.
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x0000

    def setup(m: Machine) -> None:
        m.mem[0x8000:0x9000] = m.mem[0:0x1000]
        m.prefix = 0x8000
        m.control_changed()

    m = run([*load(2, 0x5000), ("LA", (3, 0, 0, 0x5A)), ("ST", (3, 0, 2, 0x100))], t,
            setup=setup)
    assert completed(m)
    assert m.mem[0x8100:0x8104] == word(0x5A)
    assert m.mem[0x100:0x104] == bytes(4)


# --- translation exceptions --------------------------------------------------------

def test_invalid_segment_is_segment_translation_nullified_with_tea():
    # Segment X'20' (X'200000') has no page table (I bit on).  load(2, X'200000')
    # is LA (X'200') and SLL (X'204'); the L at X'208' is nullified.
    t = Tables(4096, 64 * 1024)
    m = run([*load(2, 0x200000), ("L", (3, 0, 2, 0x123))], t)
    assert trapped(m)
    assert program_code(m) == 0x0010
    assert old_program_psw(m) & 0xFFFFFF == 0x208        # nullified: points at L
    assert tea(m) & 0xFFFFF000 == 0x00200000              # bit 0 zero: primary space


def test_segment_table_length_violation_is_segment_translation():
    # STL 0: 16 entries, segments X'00'-X'0F'.  X'100000' has segment index X'10':
    # X'10' >> 4 = 1 > 0.
    t = Tables(4096, 64 * 1024, stl=0)
    m = run([*load(2, 0x100000), ("L", (3, 0, 2, 0))], t)
    assert program_code(m) == 0x0010
    assert tea(m) & 0xFFFFF000 == 0x00100000


def test_invalid_page_is_page_translation_nullified_with_tea():
    # Page X'5000' mapped, X'6000' not: a 4-byte load at X'5FFE' crosses into it.
    # Nullified: R3 unchanged, old PSW at the L (X'208').
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x7000
    m = run([("LA", (3, 0, 0, 0x33)), *load(2, 0x5000), ("L", (3, 0, 2, 0xFFE))], t)
    assert program_code(m) == 0x0011
    assert old_program_psw(m) & 0xFFFFFF == 0x20C
    assert tea(m) & 0xFFFFF000 == 0x00006000
    assert m.gpr[3] == 0x33


def test_page_table_length_violation_is_page_translation():
    # PTL 0 in the segment-table entry: only page indexes whose leftmost four bits
    # are 0.  64K segments, 4K pages: the page index is 4 bits, so only page 0;
    # X'5000' (page index 5) is beyond the table.
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x7000

    def short_page_table(m: Machine) -> None:
        m.mem[SEGMENT_TABLE] &= 0x0F      # PTL 0
        m.control_changed()

    m = run([*load(2, 0x5000), ("L", (3, 0, 2, 0))], t, setup=short_page_table)
    assert program_code(m) == 0x0011
    assert tea(m) & 0xFFFFF000 == 0x5000


def test_instruction_fetch_from_invalid_page_is_page_translation_at_that_address():
    # BCR to X'6000' (unmapped): the exception belongs to the instruction fetch;
    # nullified, the old PSW points at X'6000'.
    t = Tables(4096, 64 * 1024)
    m = run([*load(2, 0x6000), ("BCR", (15, 2))], t)
    assert program_code(m) == 0x0011
    assert old_program_psw(m) & 0xFFFFFF == 0x6000
    assert tea(m) & 0xFFFFF000 == 0x6000


def test_secondary_space_translation_exception_sets_bit_0_of_tea():
    # MVCP with the secondary space (CR7) having no page for X'5000'.
    primary = Tables(4096, 64 * 1024)
    primary.map[0x9000] = 0x9000
    secondary = Tables(4096, 64 * 1024, origin=0x2000, page_tables=0x2400, stl=0)

    def setup(m: Machine) -> None:
        secondary.write(m)
        m.cr[7] = secondary.std
        m.cr[0] |= 0x04000000          # secondary-space control
        m.control_changed()

    m = run([("LA", (1, 0, 0, 8)), *load(11, 0x9000), *load(12, 0x5000),
             ("MVCP", (1, 3, 11, 0, 12, 0))], primary, setup=setup)
    assert program_code(m) == 0x0011
    assert tea(m) & 0xFFFFF000 == 0x80005000


# --- translation-specification exceptions ---------------------------------------------

@pytest.mark.parametrize("cr0", [0x00000000, 0x00A00000, 0x00C00000, 0x00880000])
def test_invalid_translation_format_is_translation_specification(cr0):
    # Bits 8-12 not 01000/01010/10000/10010: 00000, 10100 (bit 10 on), 11000, 10001.
    # The exception hits the instruction fetch; the model reports ILC 1.
    t = Tables(4096, 64 * 1024)

    def bad_format(m: Machine) -> None:
        m.cr[0] = cr0
        m.control_changed()

    m = run([("LA", (3, 0, 0, 1))], t, setup=bad_format)
    assert trapped(m)
    assert program_code(m) == 0x0012
    assert m.gpr[3] == 0


def test_segment_table_entry_with_bits_4_to_7_is_translation_specification():
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x7000
    t.ste_flags[0] = 0x01000000     # bit 7
    m = run([("LA", (3, 0, 0, 1))], t)
    assert program_code(m) == 0x0012


def test_two_k_page_table_entry_bit_14_is_translation_specification_bit_15_is_not():
    # Hercules agrees: only bit 14 (X'0002') is checked in a 2K entry.
    t = Tables(2048, 64 * 1024)
    t.map[0x5000] = 0x7000

    def set_bits(bits: int):
        def setup(m: Machine) -> None:
            a = t.pte_address(0x5000)
            m.mem[a + 1] |= bits
            m.control_changed()
        return setup

    m = run([*load(2, 0x5000), ("L", (3, 0, 2, 0))], t, setup=set_bits(0x02),
            data={0x7000: word(0x0D0D)})
    assert program_code(m) == 0x0012
    m = run([*load(2, 0x5000), ("L", (3, 0, 2, 0))], t, setup=set_bits(0x01),
            data={0x7000: word(0x0D0D)})
    assert completed(m) and m.gpr[3] == 0x0D0D


def test_table_entry_beyond_storage_is_addressing():
    # Segment-table origin X'FFF000' is beyond 64K of storage.
    t = Tables(4096, 64 * 1024)

    def far_table(m: Machine) -> None:
        m.cr[1] = 0x00FFF000
        m.control_changed()

    m = run([("LA", (3, 0, 0, 1))], t, setup=far_table)
    assert program_code(m) == 0x0005


# --- segment protection and low-address protection ---------------------------------

def test_segment_protection_prevents_stores_but_not_fetches():
    t = Tables(4096, 64 * 1024)
    t.map[0x105000] = 0x7000
    t.ste_flags[0x10] = 0x4          # bit 29
    m = run([*load(2, 0x105000), ("L", (3, 0, 2, 0)), ("ST", (3, 0, 2, 4))], t,
            data={0x7000: word(0x99)})
    assert program_code(m) == 0x0004
    assert m.gpr[3] == 0x99
    assert m.mem[0x7004:0x7008] == bytes(4)


def test_low_address_protection_applies_to_virtual_addresses_below_512():
    # Virtual X'100' (mapped to itself) is below 512; CR0 bit 3 on.
    t = Tables(4096, 64 * 1024)
    m = run([("ST", (3, 0, 0, 0x100))], t, cr0_extra=0x10000000)
    assert program_code(m) == 0x0004


# --- TLB, PTLB, IPTE ------------------------------------------------------------------

def test_after_ptlb_a_changed_page_table_entry_is_used():
    # X'5000' -> X'7000' is used (the TLB may keep it); the PTE is changed to X'8000'
    # and PTLB issued: the next load must use X'8000'.
    t = Tables(4096, 64 * 1024)
    t.map[0x5000] = 0x7000
    t.map[0x3000] = 0x3000          # the page tables, for the STH
    a = t.pte_address(0x5000)       # X'3400' + 2 * 5 = X'340A'
    assert a == 0x340A
    m = run([*load(2, 0x5000), ("L", (3, 0, 2, 0)),
             ("LA", (5, 0, 0, 0x80)), *load(6, 0x3400), ("STH", (5, 0, 6, a - 0x3400)),
             ("PTLB", (0, 0)), ("L", (4, 0, 2, 0))], t,
            data={0x7000: word(0x7777), 0x8000: word(0x8888)})
    assert completed(m)
    assert (m.gpr[3], m.gpr[4]) == (0x7777, 0x8888)


@pytest.mark.parametrize("fmt", list(FORMATS), ids=FORMAT_IDS)
def test_ipte_sets_the_invalid_bit_and_the_page_is_then_not_translatable(fmt):
    # R1: the segment-table-entry format (page-table origin); R2: the virtual
    # address (page index).  After IPTE a load from X'105000' is a page-translation
    # exception, and the entry in storage has its invalid bit on.
    t = Tables(*fmt)
    t.map[0x105000] = 0x7000
    a = t.pte_address(0x105000)
    pto = a - 2 * ((0x105000 % fmt[1]) // fmt[0])
    invalid = 0x0008 if fmt[0] == 4096 else 0x0004
    m = run([*load(2, 0x105000), ("L", (3, 0, 2, 0)), *load(4, pto), ("IPTE", (4, 2)),
             ("L", (5, 0, 2, 0))], t, data={0x7000: word(0x1234)})
    assert program_code(m) == 0x0011
    assert m.gpr[3] == 0x1234 and m.gpr[5] == 0
    assert int.from_bytes(m.mem[a:a + 2], "big") == (0x7000 >> 8) | invalid


def test_ipte_with_invalid_translation_format_is_translation_specification():
    m = run([("IPTE", (0, 0))], None, dat_on=False)
    assert program_code(m) == 0x0012      # CR0 is X'E0' after reset: format 00000


# --- LOAD REAL ADDRESS ------------------------------------------------------------------

def lra_tables() -> Tables:
    """4K pages, 64K segments, STL 0 (segments 0-15): segment 1 maps X'10000' to
    X'5000' and has X'11000' invalid; segment 2 is invalid; segment 0 has PTL 0."""
    t = Tables(4096, 64 * 1024, stl=0)
    t.map[0x10000] = 0x5000
    t.map[0x11000] = None
    return t


def run_lra(vaddr: int, *, setup=None, dat_on: bool = False, **kw) -> tuple[int, int]:
    m = run([("L", (2, 0, 0, 0x800)), ("LRA", (3, 0, 2, 0)), ("BALR", (15, 0))],
            lra_tables(), dat_on=dat_on, data={0x800: word(vaddr)}, setup=setup, **kw)
    assert completed(m)
    return m.gpr[15] >> 28 & 3, m.gpr[3]


def short_segment_zero(m: Machine) -> None:
    m.mem[SEGMENT_TABLE] &= 0x0F          # segment 0: PTL 0, only page 0
    m.control_changed()


def test_lra_translates_with_dat_off_and_sets_cc0():
    # X'10123' -> frame X'5000' + byte index X'123' = X'5123' (Hercules agrees).
    assert run_lra(0x10123) == (0, 0x5123)


def test_lra_segment_invalid_is_cc1_with_the_segment_table_entry_address():
    # Segment 2: entry at X'3000' + 2 * 4 = X'3008'.
    assert run_lra(0x20000) == (1, SEGMENT_TABLE + 8)


def test_lra_page_invalid_is_cc2_with_the_page_table_entry_address():
    # Segment 1's page table is the second one, X'3800'; page 1: X'3802'.
    assert run_lra(0x11000) == (2, 0x3802)


def test_lra_segment_table_length_violation_is_cc3_with_the_entry_address():
    # X'100000': segment index X'10'; entry that would be fetched: X'3000' + X'40'.
    assert run_lra(0x100000) == (3, SEGMENT_TABLE + 0x40)


def test_lra_page_table_length_violation_is_cc3_with_the_entry_address():
    # Segment 0 (page table X'3400') with PTL 0; X'1000' is page 1: X'3402'.
    assert run_lra(0x1000, setup=short_segment_zero) == (3, 0x3402)


def test_lra_with_dat_on_does_not_use_the_tlb():
    # The load of X'10000' fills the TLB with X'5000'; then the PTE is changed to
    # X'6000' without a purge.  LRA translates without the TLB: X'6000'.
    t = lra_tables()
    t.map[0x3000] = 0x3000          # the page tables, for the STH
    a = 0x3800                      # segment 1's page table, page 0
    m = run([*load(2, 0x10000), ("L", (4, 0, 2, 0)), ("LA", (5, 0, 0, 0x60)),
             *load(6, a), ("STH", (5, 0, 6, 0)), ("LRA", (3, 0, 2, 0))], t)
    assert completed(m)
    assert m.gpr[3] == 0x6000


def test_lra_with_invalid_translation_format_is_translation_specification():
    def bad(m: Machine) -> None:
        m.cr[0] = 0
        m.control_changed()

    m = run([("LRA", (3, 0, 0, 0))], lra_tables(), dat_on=False, setup=bad)
    assert program_code(m) == 0x0012


def test_lra_uses_cr7_when_the_ec_psw_specifies_secondary_space_mode():
    # PSW bit 16 on (DAT off): CR7's table maps X'10000' to X'A000'.
    secondary = Tables(4096, 64 * 1024, origin=0x2000, page_tables=0x2400, stl=0)
    secondary.map[0x10000] = 0xA000

    def setup(m: Machine) -> None:
        secondary.write(m)
        m.cr[7] = secondary.std
        m.control_changed()
        m.secondary = True

    m = run([*load(2, 0x10000), ("LRA", (3, 0, 2, 0))], lra_tables(), dat_on=False,
            setup=setup)
    assert completed(m)
    assert m.gpr[3] == 0xA000


# --- the module's helpers -----------------------------------------------------------------

def test_format_decodes_the_four_valid_codes_only():
    valid = {cr0 for cr0 in FORMATS.values()}
    for code in range(32):
        cr0 = code << 19
        f = dat.Format(cr0)
        assert f.valid == (cr0 in valid), hex(cr0)
    assert (dat.Format(0x00900000).page_shift, dat.Format(0x00900000).segment_shift) == (12, 20)
    assert (dat.Format(0x00400000).page_shift, dat.Format(0x00400000).segment_shift) == (11, 16)
