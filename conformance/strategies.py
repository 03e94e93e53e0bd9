"""Hypothesis strategies for System/370 conformance testing (public API).

Every parameter that is ``None`` is drawn; give a value to pin it.

Instructions and state:

- ``instructions(mnemonic=None, layout=None)``: the bytes of one instruction of the
  opcode table, fields drawn (``mnemonic`` or ``layout`` narrows the rows).
- ``psw_values(ec=None, problem=None, wait=None, dat=None, valid=None,
  address=None)``: a PSW as a 64-bit integer, BC or EC mode; ``valid=False`` draws an
  EC-mode PSW with a one in a bit that must be zero.
- ``control_register_values(index=None)``: a value for control register ``index``
  from the architecture's meaningful bits (subclass masks, key masks, PER controls).
- ``storage_keys(blocks=None)``: a storage-key map, one key byte per 2K block (the
  form ISK gives: access control, fetch protection, reference, change, 0).

Whole guest programs:

- ``guest_programs(ec=None, problem=None, length=None, privileged=None,
  general=None)``: assembler source of a program that mixes privileged
  instructions (``PRIVILEGED_POOL``: SSM, STNSM, STOSM, LPSW, SSK, ISK, RRB, IPK, SPKA,
  LCTL, STCTL, SPX, STPX, SCK, SCKC, STCKC, SPT, STPT, PTLB, LRA, TPROT, STIDP, STAP,
  SIGP, DIAG) with general ones (``GENERAL_POOL``) and interruption handlers,
  starting in supervisor or problem state, BC or EC mode.  Its storage map is
  described below.  It never turns DAT on by itself (guest DAT under the VMCP is
  issue #7): the PSWs and mask bytes it may load are drawn without the DAT bit.

The properties that use them are in ``conformance/test_properties.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from reference import opcodes

K = 1024
PROGRAM_STORAGE = 64 * K   # the storage a guest program is written for


# Storage of a random program (64K; everything below X'1000' is copied to X'8000',
# so SET PREFIX X'8000' leaves the program running):
#   0-7F     restart new PSW (the start PSW) and the interruption new PSWs
#   200-27F  handlers: record the old PSW, then LPSW of it (or the new PSW stops)
#   400-7FF  the program; after its last instruction, LPSW of a disabled wait
#   800-83F  PSWs for LPSW (800: the disabled wait)     840-87F  initial registers
#   880-8BF  control-register values for LCTL           8C0-8DF  timer values
#   8E0-8E7  system-mask bytes for SSM                  8E8-8EF  prefix values
#   900-9FF  scratch: every store of the program goes here (or through a register)
#   A00-A7F  targets of EXECUTE                         B00-B1F  handler records
# No PSW or system mask the program can load has the DAT bit (issue #7): the
# PSWs and mask bytes are generated without it and nothing stores into them,
# except a store through a random base register, which the property allows for
# by checking that the native machine turned DAT on too.
PSW_AREA, REG_AREA, CR_AREA, TIMER_AREA, MASK_AREA, PFX_AREA = (
    0x800, 0x840, 0x880, 0x8C0, 0x8E0, 0x8E8)
SCRATCH, EX_AREA, RECORDS = 0x900, 0xA00, 0xB00
REGISTER_POOL = [0, 0, 1, 0x30, 0x800, 0x900, 0x904, 0x906, 0x2000, 0x8000, 0xFFFF,
                 0x10000, 0x20000, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000]
PRIVILEGED_POOL = ["SSM", "STNSM", "STOSM", "LPSW", "SSK", "ISK", "RRB", "IPK", "SPKA",
                   "LCTL", "STCTL", "SPX", "STPX", "SCK", "SCKC", "STCKC", "SPT", "STPT",
                   "PTLB", "LRA", "TPROT", "STIDP", "STAP", "SIGP", "DIAG"]
# Control-register values, by register: CR0 subclass masks, SSM suppression (bit 1),
# low-address protection (3), extraction authority (4); CR3 PSW-key masks; CR8
# monitor masks; CR9 PER events and register masks; CR10-11 PER ranges; CR14.
CR_POOLS = {0: [0x000000E0, 0x00000400, 0x00000800, 0x00000C80, 0x000064E0, 0x40000C00,
                0x10000400, 0x08000000, 0x480000E0],
            3: [0x80000000, 0x90000000, 0xFFFF0000, 0x40000000],
            8: [0x0000FFFF, 0x00000400, 0x00008000],
            9: [0x40000000, 0x80000000, 0x20000000, 0x1000FFFF, 0xF000FFFF, 0x50008000],
            10: [0x400, 0x900, 0x420, 0xFFFFFF, 0, 0],
            11: [0x7FF, 0x9FF, 0x410, 0xFFFFFF, 0x100],
            14: [0xC2000000, 0x42000000]}
GENERAL_POOL = ["LA", "AR", "ST", "L", "BC", "SVC", "MC", "EX", "SPM", "BALR", "STCK"]


def _hex(v: int, digits: int) -> str:
    return f"X'{v:0{digits}X}'"


@st.composite
def psw_operands(draw: st.DrawFn, target: str, ec: bool | None = None,
                 problem: bool | None = None) -> str:
    """A PSW as the operand of a DC: EC or BC mode, never the DAT bit, instruction
    address ``target`` (an assembler expression).  Now and then an invalid one."""
    if ec is None:
        ec = draw(st.booleans())
    mask = draw(st.sampled_from([0x00, 0x01, 0x03, 0x40, 0x41, 0x43, 0xFF]))
    if ec:
        mask &= 0x43 | (0x80 if draw(st.integers(0, 9)) == 0 else 0)  # rarely invalid
    key = draw(st.sampled_from([0, 0, 0, 1, 3, 15]))
    flags = draw(st.sampled_from([0, 0, 0, 1, 2, 4, 5]))   # M, W, P bits (4, 2, 1)
    if problem is not None:
        flags = (flags & ~1) | int(problem)
    byte1 = (key << 4) | (8 if ec else 0) | flags
    if ec:
        cc, pm = draw(st.integers(0, 3)), draw(st.integers(0, 15))
        bad = 0x80 if draw(st.integers(0, 15)) == 0 else 0           # bit 24: invalid
        return f"X'{mask:02X}{byte1:02X}{cc << 4 | pm:02X}{bad:02X}',A({target})"
    code = draw(st.integers(0, 0xFFFF))
    low = draw(st.integers(0, 0xFF))
    return f"X'{mask:02X}{byte1:02X}{code:04X}{low:02X}',AL3({target})"


@st.composite
def program_instructions(draw: st.DrawFn, n_labels: int,
                         privileged: list[str] | None = None,
                         general: list[str] | None = None) -> str:
    """One instruction (assembler text) of a guest program: a privileged one from
    ``privileged`` (default PRIVILEGED_POOL) or a general one from ``general``
    (default GENERAL_POOL), with operands in the program's storage map."""
    privileged_pool = PRIVILEGED_POOL if privileged is None else privileged
    general_pool = GENERAL_POOL if general is None else general
    def reg() -> int:
        return draw(st.integers(0, 15))

    def label() -> str:
        return f"I{draw(st.integers(0, n_labels - 1))}"

    def scratch(align: int) -> str:
        if draw(st.integers(0, 19)) == 0:   # sometimes misaligned
            return f"{_hex(SCRATCH + 1, 3)}(0)"
        return f"{_hex(SCRATCH + align * draw(st.integers(0, 0x80 // align - 1)), 3)}(0)"

    def anywhere() -> str:
        if draw(st.booleans()):
            return f"{_hex(draw(st.integers(0, 0xFFF)), 3)}(0)"
        return f"{_hex(draw(st.integers(0, 0xFF)), 3)}({draw(st.integers(1, 15))})"

    kinds = ["privileged"] * 3 * bool(privileged_pool) + ["general"] * 2 * bool(general_pool)
    kind = draw(st.sampled_from(kinds))
    mn = draw(st.sampled_from(privileged_pool if kind == "privileged" else general_pool))
    if mn == "SSM":
        return f"SSM   {_hex(MASK_AREA + draw(st.integers(0, 7)), 3)}(0)"
    if mn == "STNSM":
        return f"STNSM {scratch(1)},{_hex(draw(st.integers(0, 255)), 2)}"
    if mn == "STOSM":
        return f"STOSM {scratch(1)},{_hex(draw(st.integers(0, 255)) & ~0x04, 2)}"
    if mn == "LPSW":
        at = PSW_AREA + 8 * draw(st.integers(0, 7)) + draw(st.sampled_from([0] * 7 + [4]))
        return f"LPSW  {_hex(at, 3)}(0)"
    if mn in ("SSK", "ISK", "AR"):
        return f"{mn:5} {reg()},{reg()}"
    if mn == "RRB":
        return f"RRB   {anywhere()}"
    if mn in ("IPK", "PTLB"):
        return mn
    if mn == "SPKA":
        return f"SPKA  {_hex(draw(st.sampled_from([0, 0, 1, 3, 15])) << 4, 3)}(0)"
    if mn == "LCTL":
        return f"LCTL  {reg()},{reg()},{_hex(CR_AREA + 4 * draw(st.integers(0, 15)), 3)}(0)"
    if mn == "STCTL":
        return f"STCTL {reg()},{reg()},{scratch(4)}"
    if mn == "SPX":
        return f"SPX   {_hex(PFX_AREA + 4 * draw(st.integers(0, 1)), 3)}(0)"
    if mn in ("SCK", "SCKC", "SPT"):
        return f"{mn:5} {_hex(TIMER_AREA + 8 * draw(st.integers(0, 3)), 3)}(0)"
    if mn in ("STCKC", "STPT", "STIDP", "STCK"):
        return f"{mn:5} {scratch(8)}"
    if mn in ("STPX", "ST"):
        return f"{mn:5} {(str(reg()) + ',') if mn == 'ST' else ''}{scratch(4)}"
    if mn == "STAP":
        return f"STAP  {scratch(2)}"
    if mn == "LRA":
        return f"LRA   {reg()},{anywhere()}"
    if mn == "TPROT":
        return f"TPROT {anywhere()},{_hex(draw(st.sampled_from([0, 0x10, 0x30, 0xF0])), 3)}(0)"
    if mn == "SIGP":
        order = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 9]))
        return f"SIGP  {reg()},{reg()},{order}(0)"
    if mn == "DIAG":
        return f"DIAG  {reg()},{reg()},{draw(st.sampled_from([0, 0, 8]))}(0)"
    if mn == "LA":
        return f"LA    {reg()},{anywhere()}"
    if mn == "L":
        return f"L     {reg()},{draw(st.sampled_from([scratch(4), anywhere()]))}"
    if mn == "BC":
        return f"BC    {draw(st.integers(0, 15))},{label()}-T(0,0)"
    if mn == "SVC":
        return f"SVC   {draw(st.integers(0, 255))}"
    if mn == "MC":
        return f"MC    {_hex(draw(st.integers(0, 0xFFF)), 3)}(0),{draw(st.integers(0, 15))}"
    if mn == "EX":
        return f"EX    0,{_hex(EX_AREA + 8 * draw(st.integers(0, 3)), 3)}(0)"
    if mn == "SPM":
        return f"SPM   {reg()}"
    return f"BALR  {reg()},0"


@st.composite
def guest_programs(draw: st.DrawFn, ec: bool | None = None, problem: bool | None = None,
                   length: int | None = None, privileged: list[str] | None = None,
                   general: list[str] | None = None) -> str:
    """The assembler source of a whole guest program (see the storage map above):
    ``length`` instructions mixing ``privileged`` and ``general`` ones, with
    interruption handlers that record and return (or stop), starting in EC or BC
    mode (``ec``), in the problem or supervisor state (``problem``).  Assemble it
    with ``reference.assembler.assemble``; ``s370 compare`` runs it natively and
    under the VMCP."""
    n = draw(st.integers(1, 20)) if length is None else length
    body = [draw(program_instructions(n, privileged, general)) for _ in range(n)]
    ex_pool = [m for m in (PRIVILEGED_POOL if privileged is None else privileged)
               if m != "LPSW"] or ["SSM"]
    ex_targets = [draw(program_instructions(n, ex_pool, [])) for _ in range(4)]
    if ec is None:
        ec = draw(st.booleans())
    done = "000A000000000000" if ec else "0002000000000000"
    start = draw(psw_operands("X'400'", ec=ec, problem=problem))  # the prologue: LM, LCTL
    handlers = {name: draw(st.sampled_from(["return", "return", "stop"]))
                for name in ("EXT", "SVC", "PGM")}
    new_mode = "00080000" if draw(st.booleans()) else "00000000"
    registers = [draw(st.sampled_from(REGISTER_POOL)) for _ in range(16)]
    crs = [draw(st.sampled_from(CR_POOLS.get(i, [0]) + [0, 0xFFFFFFFF])) for i in range(16)]
    load_crs = draw(st.integers(0, 3)) > 0
    timers = [draw(st.sampled_from([0, 0x1000, 0x10000, 0x40000, 0x100000,
                                    0xFFFFFFFFFFFFF000, 0x7FFFFFFFFFFFF000,
                                    0x8000000000000000]))
              for _ in range(4)]
    masks = [draw(st.sampled_from([0x00, 0x01, 0x02, 0x03, 0x40, 0x41, 0x43, 0x08, 0x80,
                                   0xFB, 0xFF])) & ~(0x04 if ec else 0) for _ in range(8)]
    masks = [m & ~0x04 for m in masks]   # whatever the mode the PSW may come to have
    prefixes = [draw(st.sampled_from([0, 0x8000, 0x3000, 0xF000, 0x10000]))
                for _ in range(2)]
    psws = [draw(psw_operands(draw(st.sampled_from([f"I{i}" for i in range(n)]
                                                 + ["X'7F0'"]))))
            for _ in range(7)]

    def page(origin: int, labels: bool) -> list[str]:
        def org(at: int) -> str:
            return f"         ORG   T+X'{origin + at:X}'"
        lines = [org(0), f"         DC    {start}"]
        lines += [org(0x58)]
        for name in ("EXT", "SVC", "PGM"):
            at = {"EXT": 0x200, "SVC": 0x210, "PGM": 0x220}[name]
            psw = f"X'{new_mode}',A(X'{at:X}')" if handlers[name] == "return" \
                else f"X'{done[:8]}',A(X'E{at >> 4:X}')"
            lines.append(f"         DC    {psw}")
        lines.append(f"         DC    X'{done[:8]}',A(X'E70')   machine check: stop")
        lines.append(f"         DC    X'{done[:8]}',A(X'E78')   I/O: stop")
        for i, (old, name) in enumerate(((24, "EXT"), (32, "SVC"), (40, "PGM"))):
            lines += [org(0x200 + 0x10 * i),
                      f"         MVC   X'{RECORDS + 8 * i:X}'(8,0),{old}(0)   {name} handler",
                      f"         LPSW  {old}(0)"]
        lines += [org(0x400), "         LM    0,15,X'840'(0)"]
        if load_crs:
            lines.append("         LCTL  0,15,X'880'(0)")
        for i, text in enumerate(body):
            lines.append(f"{f'I{i}' if labels else '':8} {text}")
        lines += ["         LPSW  X'800'(0)", org(0x7F0), "         LPSW  X'800'(0)"]
        lines += [org(PSW_AREA), f"         DC    X'{done}'"]
        lines += [f"         DC    {p}" for p in psws]
        lines += [org(REG_AREA)] + [f"         DC    {_hex(r, 8)}" for r in registers]
        lines += [org(CR_AREA)] + [f"         DC    {_hex(c, 8)}" for c in crs]
        lines += [org(TIMER_AREA)] + [f"         DC    {_hex(t, 16)}" for t in timers]
        lines += [org(MASK_AREA), "         DC    X'" + "".join(f"{m:02X}" for m in masks) + "'"]
        lines += [org(PFX_AREA)] + [f"         DC    {_hex(p, 8)}" for p in prefixes]
        lines += [org(EX_AREA + 8 * i) + f"\n         {t}" for i, t in enumerate(ex_targets)]
        return lines

    source = ["T        START 0"] + page(0, True) + page(0x8000, False) + ["         END"]
    return "\n".join(source) + "\n"


# ---------------------------------------------------------------------------
# Instructions and state
# ---------------------------------------------------------------------------
_FIELD_WIDTHS = {
    "RR": (4, 4), "RRE": (4, 4), "RX": (4, 4, 4, 12), "RS": (4, 4, 4, 12),
    "SI": (8, 4, 12), "S": (4, 12), "SS": (8, 4, 12, 4, 12),
    "SS2": (4, 4, 4, 12, 4, 12), "SSE": (4, 12, 4, 12),
}


@st.composite
def instructions(draw: st.DrawFn, mnemonic: str | None = None,
                 layout: str | None = None) -> bytes:
    """The bytes of one instruction of the opcode table, its fields drawn."""
    rows = [r for r in opcodes.TABLE
            if (mnemonic is None or r.mnemonic == mnemonic)
            and (layout is None or r.layout == layout)]
    if not rows:
        raise ValueError(f"no opcode-table row for mnemonic={mnemonic!r} layout={layout!r}")
    row = draw(st.sampled_from(rows))
    fields = tuple(draw(st.integers(0, (1 << w) - 1)) for w in _FIELD_WIDTHS[row.layout])
    return opcodes.encode(row, fields)


@st.composite
def psw_values(draw: st.DrawFn, ec: bool | None = None, problem: bool | None = None,
               wait: bool | None = None, dat: bool | None = None, valid: bool | None = None,
               address: int | None = None) -> int:
    """A PSW as a 64-bit integer (GA22-7000 ch.4 formats)."""
    from reference.psw import EC_MUST_BE_ZERO, PSW
    if valid is False:
        if ec is False:
            raise ValueError("a BC-mode PSW has no bits that must be zero")
        ec = True
    if ec is None:
        ec = draw(st.booleans())
    if valid is None:
        valid = True if not ec else draw(st.integers(0, 9)) > 0
    if dat is None:
        dat = draw(st.booleans()) if ec else False
    mask = draw(st.integers(0, 255))
    if ec:
        mask = (mask & 0x43) | (0x04 if dat else 0)
    p = PSW(system_mask=mask, key=draw(st.integers(0, 15)), ec=ec,
            machine_check=draw(st.booleans()),
            wait=draw(st.booleans()) if wait is None else wait,
            problem=draw(st.booleans()) if problem is None else problem,
            secondary=ec and draw(st.booleans()),
            interruption_code=0 if ec else draw(st.integers(0, 0xFFFF)),
            ilc=0 if ec else draw(st.integers(0, 3)),
            cc=draw(st.integers(0, 3)), program_mask=draw(st.integers(0, 15)),
            address=(draw(st.integers(0, 0x7FFFFF)) * 2) if address is None else address)
    value = p.to_int()
    if ec and not valid:
        bits = [b for b in range(64) if EC_MUST_BE_ZERO >> b & 1]
        value |= 1 << draw(st.sampled_from(bits))
    return value


def control_register_values(index: int | None = None) -> st.SearchStrategy[int]:
    """Values for a control register, from its architected bits (CR_POOLS), with
    zero, all ones and arbitrary values mixed in."""
    pools = st.sampled_from(sorted(CR_POOLS)) if index is None else st.just(index)
    return pools.flatmap(lambda i: st.one_of(st.sampled_from(CR_POOLS.get(i, [0]) + [0]),
                                             st.just(0xFFFFFFFF),
                                             st.integers(0, 0xFFFFFFFF)))


def storage_keys(blocks: int | None = None) -> st.SearchStrategy[bytes]:
    """A storage-key map: one key byte (bit 7 zero) per 2K block."""
    count = st.integers(1, PROGRAM_STORAGE >> 11) if blocks is None else st.just(blocks)
    return count.flatmap(lambda n: st.lists(st.integers(0, 127).map(lambda k: k << 1),
                                            min_size=n, max_size=n).map(bytes))


# ---------------------------------------------------------------------------
# Programs that turn DAT on (issue #7)
# ---------------------------------------------------------------------------
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
    ``reference.assembler.assemble``; ``s370 compare`` runs it natively and under
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
        lines += [org(DAT_POOL)] + [f"         DC    {_hex(v, 8)}" for v in pool]
        lines += [org(DAT_DATA + 8), f"         DC    {_hex(DAT_HREC, 8)}   record pointer",
                  f"         DC    {_hex(tmask, 8)},X'000000FF'",
                  org(DAT_DATA + 0x18), f"         DC    {_hex(cr0, 8)},{_hex(DAT_ST_A, 8)}",
                  org(a_cr1), f"         DC    {_hex(DAT_ST_A, 8)},{_hex(DAT_ST_B, 8)}",
                  org(pfx), "         DC    X'00000000',X'00008000'   prefixes",
                  org(DAT_DATA + 0x38), "         DC    X'000A000000000000'   the end"]
        return lines

    source = ["T        START 0"] + page(0, True)
    source += [f"         ORG   T+X'{DAT_ST_A:X}'"]
    for entries in spaces:
        source += [f"         DC    {_hex(e, 8)}" for e in entries]
    for at, value in sorted(initial.items()):
        source += [f"         ORG   T+X'{at:X}'", f"         DC    {_hex(value, 4)}"]
    source += page(0x8000, False) + ["         END"]
    return "\n".join(source) + "\n"
