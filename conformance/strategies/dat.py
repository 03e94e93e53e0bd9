"""Guest programs that turn DAT on through segment and page tables they carry.

``dat_programs(page_size=None, segment_size=None, length=None)``: the storage map and
what the program does are below.
"""

from __future__ import annotations

from hypothesis import strategies as st

from .instructions import hex_term

# Storage of a DAT program (64K; page 0 is copied to X'8000', so SET PREFIX X'8000'
# leaves the program running; real addresses):
#   0-7F     restart new PSW (EC mode, DAT off) and the interruption new PSWs (the
#            program new PSW with DAT on or off, drawn; the others stop)
#   200-2FF  program-interruption handler: records the code, the ILC and the page part
#            of the translation-exception address (also cleared in location 144: its
#            byte-index bits are unpredictable), steps the old PSW past a nullified
#            instruction (segment and page translation), then LPSW of the old PSW
#   300-9FF  the program: LCTL of CR0-CR1, DAT on, the drawn sequence, disabled wait
#   A00-BFF  address and value pool (words, loaded by L)
#   C00-CFF  handler records (8 bytes each: 0, ILC, code; page part of the address),
#            32, reused round
#   D00-D3F  handler data, the CR values of the two spaces, prefixes, the last PSW
#   E00-EFF  program records (LRA: R1, then BALR's ILC/CC/program mask and address)
#   1000-13FF segment tables (space A at 1000, space B at 1040: 16 entries) and page
#            tables (PT0 at 1080, the identity map of segment 0 shared by both spaces;
#            PT1-PT3 at 1100, 1200, 1300 for the segments 1-3 of either space)
#   2000-7FFF data frames (what the program's virtual addresses reach)
# Virtual pages 0-1FFF (code, handler, tables) map to themselves in both spaces and
# never change, so the handler runs in either space, with DAT on or off.
DAT_ST_A, DAT_ST_B, DAT_PT0, DAT_PTS = 0x1000, 0x1040, 0x1080, (0x1100, 0x1200, 0x1300)
DAT_POOL, DAT_HREC, DAT_DATA, DAT_LOG = 0xA00, 0xC00, 0xD00, 0xE00


def _pte(frame: int, page_shift: int, invalid: bool) -> int:
    if page_shift == 12:
        return ((frame >> 8) & 0xFFF0) | (0x0008 if invalid else 0)
    return ((frame >> 8) & 0xFFF8) | (0x0004 if invalid else 0)


@st.composite
def dat_programs(draw: st.DrawFn, page_size: int | None = None,
                 segment_size: int | None = None, length: int | None = None) -> str:
    """The assembler source of a guest program that turns DAT on (EC mode) through
    segment and page tables it carries in its storage (storage map above):
    ``page_size`` 2048 or 4096, ``segment_size`` 65536 or 1048576; two address
    spaces whose segments 1-3 are invalid or valid (page-table lengths 0-3, so short
    tables, some segments protected) over page tables whose entries map data frames,
    frames beyond storage, or are invalid.  Then ``length`` operations, each a few
    instructions: L, ST and MVC through virtual addresses (mapped, invalid, beyond
    a page- or segment-table length, protected, beyond storage, crossing pages),
    LRA (R1 and the condition code recorded), a change of a page-table entry followed
    by PTLB, or IPTE of that entry (then perhaps a new value in the now invalid
    entry), an invalid entry made valid (no purge needed: no TLB entry can exist for
    it), LCTL of CR1 switching between the two spaces, DAT off and on (STNSM,
    STOSM) and SPX (0 or X'8000').  A program interruption is recorded by the
    handler, which resumes the program through the old PSW.

    It never changes a valid page-table entry without purging the TLB before the
    next access: after such a change the architecture leaves it unpredictable
    whether the old or the new translation is used (GA22-7000 ch.3 "Translation-
    Lookaside Buffer"), so native and virtual runs could both be right and differ.
    It never changes a segment-table entry.  Assemble it with
    ``reference.asm.assembler.assemble``; ``s370 compare`` runs it natively and under
    the VMCP."""
    if page_size is None:
        page_size = draw(st.sampled_from([2048, 4096]))
    if segment_size is None:
        segment_size = draw(st.sampled_from([65536, 1 << 20]))
    n = draw(st.integers(1, 16)) if length is None else length
    page_shift = page_size.bit_length() - 1
    segment_shift = segment_size.bit_length() - 1
    q = 1 << (segment_shift - page_shift - 4)      # pages per unit of page-table length
    cr0 = (0x00400000 if page_size == 2048 else 0x00800000) \
        | (0x00100000 if segment_size == 1 << 20 else 0)
    frames = list(range(0x2000, 0x8000, page_size))
    beyond = [0x10000, 0x24000, 0x7F000, 0xFFF000]

    # Page tables: PT0 maps segment 0 (64K of it) to itself; PT1-PT3 have 4q entries
    # (enough for the longest length drawn, 3), of which indexes 0, 1, q, 2q, 3q are
    # the ones the program's addresses reach.
    tables: dict[int, int] = {}                    # real address of a PTE -> value
    for i in range(0x10000 >> page_shift):
        tables[DAT_PT0 + 2 * i] = _pte(i << page_shift, page_shift, False)
    reach = sorted({0, 1, q, 2 * q, 3 * q})

    def random_pte() -> int:
        kind = draw(st.sampled_from(["frame", "frame", "frame", "invalid", "beyond"]))
        if kind == "beyond":
            return _pte(draw(st.sampled_from(beyond)), page_shift, False)
        return _pte(draw(st.sampled_from(frames)), page_shift, kind == "invalid")

    for pt in DAT_PTS:
        for i in range(4 * q):
            tables[pt + 2 * i] = random_pte() if i in reach else _pte(0x2000, page_shift, True)
    segment_0 = ((15 if segment_shift == 16 else 0) << 28) | DAT_PT0
    spaces = []
    for _ in range(2):
        entries = [segment_0]
        for _ in range(3):
            if draw(st.integers(0, 4)) == 0:
                entries.append(0x00000001)
            else:
                entries.append((draw(st.integers(0, 3)) << 28) | draw(st.sampled_from(DAT_PTS))
                               | (4 if draw(st.integers(0, 3)) == 0 else 0))
        spaces.append(entries + [0x00000001] * 12)
    changeable = [DAT_PT0 + 2 * (v >> page_shift) for v in range(0x2000, 0x8000, page_size)]
    changeable += [pt + 2 * i for pt in DAT_PTS for i in reach]

    # Virtual addresses the program uses: data pages of segment 0, the reachable pages
    # of segments 1-3, an index beyond every length (4q), and addresses beyond a page-
    # or segment-table length (X'10000' is beyond PT0 with 1M segments).
    probes = list(range(0x2000, 0x7000, page_size))
    probes += [(s << segment_shift) + i * page_size for s in (1, 2, 3) for i in reach + [4 * q]]
    probes += [0x10000, 0x100000, 0xF00000]

    def vaddr(room: int = 4) -> int:
        base = draw(st.sampled_from(probes))
        where = draw(st.sampled_from(["start", "middle", "end"]))
        offset = {"start": 0, "middle": page_size // 2,
                  "end": page_size - draw(st.integers(1, room))}[where]
        return base + offset

    initial = dict(tables)                         # the tables as the program starts
    pool: dict[int, int] = {}

    def p(value: int) -> str:
        if value not in pool:
            pool[value] = DAT_POOL + 4 * len(pool)
        return f"X'{pool[value]:03X}'(0)"

    a_cr1, b_cr1 = DAT_DATA + 0x20, DAT_DATA + 0x24
    pfx = DAT_DATA + 0x28                          # and X'D2C': the SPX operands
    body: list[str] = []
    for _ in range(n):
        op = draw(st.sampled_from(["load", "load", "store", "store", "mvc", "lra", "pte", "pte",
                                   "pte", "space", "dat", "spx"]))
        if op == "load":
            body += [f"L     5,{p(vaddr() & ~3)}", "L     2,0(0,5)"]
        elif op == "store":
            body += [f"L     5,{p(vaddr() & ~3)}", "ST    3,0(0,5)", "LA    3,1(0,3)"]
        elif op == "mvc":
            size = draw(st.integers(1, 16))
            body += [f"L     5,{p(vaddr(size))}", f"L     6,{p(vaddr(size))}",
                     f"MVC   0({size},5),0(6)"]
        elif op == "lra":
            body += [f"L     5,{p(vaddr())}", "LRA   2,0(0,5)", "BALR  4,0",
                     "ST    2,0(0,10)", "ST    4,4(0,10)", "LA    10,8(0,10)"]
        elif op == "pte":
            at = draw(st.sampled_from(changeable))
            new = random_pte()
            invalid_bit = 0x0008 if page_shift == 12 else 0x0004
            how = draw(st.sampled_from(["ptlb", "ipte", "ipte+new"]
                                       + (["valid"] if tables[at] & invalid_bit else [])))
            if how in ("ptlb", "valid"):
                body += [f"L     8,{p(new)}", f"L     9,{p(at)}", "STH   8,0(0,9)"]
                body += ["PTLB"] if how == "ptlb" else []
                tables[at] = new
            else:
                origin = at & ~0xFF if at >= DAT_PTS[0] else DAT_PT0
                index = (at - origin) // 2
                body += [f"L     8,{p(origin)}", f"L     9,{p(index << page_shift)}",
                         "IPTE  8,9"]
                tables[at] |= invalid_bit
                if how == "ipte+new":
                    body += [f"L     8,{p(new)}", f"L     9,{p(at)}", "STH   8,0(0,9)"]
                    tables[at] = new
        elif op == "space":
            body.append(f"LCTL  1,1,X'{draw(st.sampled_from([a_cr1, b_cr1])):03X}'(0)")
        elif op == "dat":
            body.append(draw(st.sampled_from([f"STNSM X'{DAT_DATA + 0x14:03X}'(0),X'FB'",
                                              f"STOSM X'{DAT_DATA + 0x14:03X}'(0),X'04'"])))
        else:
            body.append(f"SPX   X'{pfx + 4 * draw(st.integers(0, 1)):03X}'(0)")
    if len(pool) > 128:
        raise ValueError("dat_programs: more than 128 pool words")
    handler_dat = "04" if draw(st.booleans()) else "00"
    tmask = 0x80FFF000 if page_shift == 12 else 0x80FFF800

    def page(origin: int, labels: bool) -> list[str]:
        def org(at: int) -> str:
            return f"         ORG   T+X'{origin + at:X}'"

        def lab(name: str) -> str:
            return f"{name if labels else '':8}"
        lines = [org(0), "         DC    X'00080000',A(X'300')   restart: EC mode, DAT off"]
        lines += [org(0x58), "         DC    X'000A0000',A(X'E58')   external: stop",
                  "         DC    X'000A0000',A(X'E60')   SVC: stop",
                  f"         DC    X'{handler_dat}080000',A(X'200')   program",
                  "         DC    X'000A0000',A(X'E70')   machine check: stop",
                  "         DC    X'000A0000',A(X'E78')   I/O: stop"]
        lines += [org(0x200),
                  f"{lab('H')} STM   14,15,X'{DAT_DATA:03X}'(0)",
                  "         CLI   X'8F'(0),X'10'        segment translation: nullified",
                  "         BC    8,HADV-T(0,0)",
                  "         CLI   X'8F'(0),X'11'        page translation: nullified",
                  "         BC    7,HREC-T(0,0)",
                  f"{lab('HADV')} L     15,X'2C'(0)           step the old PSW past it",
                  "         SR    14,14",
                  "         IC    14,X'8D'(0)           2 x ILC",
                  "         AR    15,14",
                  "         ST    15,X'2C'(0)",
                  f"{lab('HREC')} L     15,X'{DAT_DATA + 8:03X}'(0)          record pointer",
                  "         MVC   0(4,15),X'8C'(0)      ILC, code",
                  "         MVC   4(4,15),X'90'(0)      translation-exception address",
                  f"         NC    4(4,15),X'{DAT_DATA + 0xC:03X}'(0)    page part only",
                  f"         NC    X'90'(4,0),X'{DAT_DATA + 0xC:03X}'(0)",
                  "         LA    15,8(0,15)",
                  f"         N     15,X'{DAT_DATA + 0x10:03X}'(0)",
                  f"         LA    15,X'{DAT_HREC:03X}'(0,15)",
                  f"         ST    15,X'{DAT_DATA + 8:03X}'(0)",
                  f"         LM    14,15,X'{DAT_DATA:03X}'(0)",
                  "         LPSW  X'28'(0)             resume"]
        lines += [org(0x300), f"         LCTL  0,1,X'{DAT_DATA + 0x18:03X}'(0)",
                  f"         LA    10,X'{DAT_LOG:03X}'(0)", "         LA    3,1(0)",
                  f"         STOSM X'{DAT_DATA + 0x14:03X}'(0),X'04'   DAT on"]
        lines += [f"         {text}" for text in body]
        lines += [f"         LPSW  X'{DAT_DATA + 0x38:03X}'(0)"]
        lines += [org(DAT_POOL)] + [f"         DC    {hex_term(v, 8)}" for v in pool]
        lines += [org(DAT_DATA + 8), f"         DC    {hex_term(DAT_HREC, 8)}   record pointer",
                  f"         DC    {hex_term(tmask, 8)},X'000000FF'",
                  org(DAT_DATA + 0x18),
                  f"         DC    {hex_term(cr0, 8)},{hex_term(DAT_ST_A, 8)}",
                  org(a_cr1), f"         DC    {hex_term(DAT_ST_A, 8)},{hex_term(DAT_ST_B, 8)}",
                  org(pfx), "         DC    X'00000000',X'00008000'   prefixes",
                  org(DAT_DATA + 0x38), "         DC    X'000A000000000000'   the end"]
        return lines

    source = ["T        START 0"] + page(0, True)
    source += [f"         ORG   T+X'{DAT_ST_A:X}'"]
    for entries in spaces:
        source += [f"         DC    {hex_term(e, 8)}" for e in entries]
    for at, value in sorted(initial.items()):
        source += [f"         ORG   T+X'{at:X}'", f"         DC    {hex_term(value, 4)}"]
    source += page(0x8000, False) + ["         END"]
    return "\n".join(source) + "\n"
