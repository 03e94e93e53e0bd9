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
  described below.  It never turns DAT on by itself (``dat_programs`` does): the
  PSWs and mask bytes it may load are drawn without the DAT bit.
- ``dat_programs(page_size=None, segment_size=None, length=None)``: a guest that
  turns DAT on through tables it carries (storage map further down).
- ``channel_programs(device=None, length=None, wait=None, caw_key=None)``: a guest
  that starts one channel program, valid or not, on a device of
  ``CHANNEL_DEVICES`` and records its end (storage map further down).

The properties that use them are in ``conformance/test_properties.py`` and
``conformance/test_channel_programs.py``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from reference.arch import opcodes

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
# No PSW or system mask the program can load has the DAT bit: the
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
    with ``reference.asm.assembler.assemble``; ``s370 compare`` runs it natively and
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
    from reference.arch.psw import EC_MUST_BE_ZERO, PSW
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
# Programs that turn DAT on
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


# ---------------------------------------------------------------------------
# Channel programs: a guest that starts one channel program on a device
# ---------------------------------------------------------------------------
# The devices the generated programs address (the configuration of
# conformance/test_channel_programs.py): a 3215 console, a 2540 reader with a deck,
# a 2540 punch, a 1403 printer and a 3370 disk of CHANNEL_DISK_BLOCKS blocks; and an
# address with no device (CC 3).
CHANNEL_DEVICES = {"3215": 0x009, "2540R": 0x00C, "2540P": 0x00D, "1403": 0x00E,
                   "3370": 0x150, "none": 0x123}
CHANNEL_DISK_BLOCKS = 16
# Storage of a channel-program guest (64K; real addresses):
#   0-7F     restart new PSW (EC mode, X'400'); program new PSW: stop at X'E68';
#            I/O new PSW: the handler at X'300' (EC mode, disabled)
#   300-3FF  I/O handler: records the I/O address (186-187) and the CSW in the
#            interruption log, then waits again after a PCI-only interruption
#            (at most 8 times), or goes on after the program's end
#   400-7FF  the program: SSK of the data blocks, the CAW, SIO or SIOF, perhaps
#            HIO/HDV/CLRIO/TIO/TCH at once, the wait (enabled, or a TEST I/O loop
#            disabled), then up to three I/O instructions recorded, a disabled wait
#   800-8FF  data: the CAW, the device address, PSWs, the storage keys
#   A00-AFF  interruption log (16 bytes: I/O address, 0, 0, CSW at 8)
#   B00-BFF  results: BALR after each I/O instruction (ILC, CC, program mask and
#            address), and the CSW after it
#   1000-17FF channel program (CCWs at 1000, 1008, ...); IDAW lists at 1400;
#            DEFINE EXTENT and LOCATE parameters at 1600 and 1700
#   2000-7FFF data areas, filled with the EBCDIC letters A-H (a pattern), in
#            2K blocks whose keys are drawn (key, fetch protection)
CP_AT, IDAW_AT, DE_AT, LOC_AT, DATA_AT, DATA_END = 0x1000, 0x1400, 0x1600, 0x1700, 0x2000, \
    0x8000
CHANNEL_STORAGE = PROGRAM_STORAGE
_DATA_ADDRESSES = [0x2000, 0x2004, 0x2100, 0x27F8, 0x2800, 0x3000, 0x37FE, 0x4000, 0x7F80,
                   0xFFF0, 0xFFFF, 0x10000, 0x20000, 0xFFFFFF]
_COUNTS = [0, 1, 2, 8, 16, 24, 79, 80, 81, 126, 127, 132, 133, 256, 512, 513, 1024, 1536,
           0x7F8, 0xFFFF]
_FLAG_BITS = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04]     # CD, CC, SLI, SKIP, PCI, IDA
_COMMANDS = {
    "3215": [0x01, 0x09, 0x0A, 0x0B, 0x03, 0x04],
    "2540R": [0x02, 0x42, 0x82, 0xC2, 0x03, 0x04],
    "2540P": [0x01, 0x41, 0x81, 0xC1, 0x03, 0x04],
    "1403": [0x01, 0x09, 0x11, 0x19, 0x89, 0x91, 0xE1, 0xF9, 0x0B, 0x13, 0x8B, 0xE3,
             0x03, 0x04],
    "3370": [0x63, 0x43, 0x42, 0x41, 0x02, 0x03, 0x04],
    "none": [0x01, 0x02],
}


@st.composite
def _disk_parameters(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """DEFINE EXTENT (16 bytes) and LOCATE (8 bytes) parameters for a disk of
    CHANNEL_DISK_BLOCKS blocks: half of the time both valid (an extent inside the
    disk, a read or write of blocks inside it), otherwise near misses or anything."""
    n = CHANNEL_DISK_BLOCKS
    if draw(st.booleans()):
        mask = draw(st.sampled_from([0xC0, 0x40, 0x00]))
        origin = draw(st.integers(0, 3))
        first = draw(st.sampled_from([0, 0, 5]))
        last = first + n - 1 - origin - draw(st.integers(0, 2))
        count = draw(st.integers(1, 3))
        block = draw(st.integers(first, last - count + 1))
        op = draw(st.sampled_from([0x06, 0x01] if mask == 0xC0 else [0x06]))
        return (bytes([mask, 0, 0, 0]) + origin.to_bytes(4, "big") + first.to_bytes(4, "big")
                + last.to_bytes(4, "big"),
                bytes([op, 0]) + count.to_bytes(2, "big") + block.to_bytes(4, "big"))
    if draw(st.integers(0, 9)) == 0:
        de = draw(st.binary(min_size=16, max_size=16))
    else:
        mask = draw(st.sampled_from([0xC0, 0xC0, 0x40, 0x00, 0x80, 0x08]))
        origin = draw(st.sampled_from([0, 0, 1, 2, n - 1, n]))
        first = draw(st.sampled_from([0, 0, 1, 100]))
        last = first + draw(st.sampled_from([0, 1, 3, n - 1 - origin, n - origin, 0x7FFFFFFF]))
        de = bytes([mask, 0, 0, 0]) + origin.to_bytes(4, "big") + first.to_bytes(4, "big") \
            + (last & 0xFFFFFFFF).to_bytes(4, "big")
    if draw(st.integers(0, 9)) == 0:
        loc = draw(st.binary(min_size=8, max_size=8))
    else:
        op = draw(st.sampled_from([0x06, 0x06, 0x01, 0x01, 0x02, 0x05, 0x03, 0x26]))
        count = draw(st.sampled_from([1, 1, 2, 3, 0, n]))
        block = draw(st.sampled_from([0, 1, 2, 5, n - 2, n - 1, n, 100]))
        replication = draw(st.sampled_from([0, 0, 1, 2]))
        loc = bytes([op, replication]) + count.to_bytes(2, "big") + block.to_bytes(4, "big")
    return de, loc


@st.composite
def _ccw(draw: st.DrawFn, kind: str, index: int, length: int) -> tuple[int, int, int, int]:
    """One CCW (command, data address, flags, count) of a generated program."""
    pool = _COMMANDS[kind]
    what = draw(st.sampled_from(["device"] * 6 + ["any", "tic", "tic"] if index else
                                ["device"] * 6 + ["any", "tic"]))
    if what == "tic":
        command = draw(st.sampled_from([0x08, 0x18, 0xF8]))      # TIC: low bits 1000
        target = draw(st.sampled_from(
            [CP_AT + 8 * draw(st.integers(0, length)), CP_AT + 4, 0xFFF8, 0x10000]))
        return command, target, draw(st.sampled_from([0, 0, 0x40, 0x01])), \
            draw(st.sampled_from([0, 1, 8]))
    command = draw(st.sampled_from(pool)) if what == "device" else draw(st.integers(0, 255))
    flags = 0
    for bit in _FLAG_BITS:
        if draw(st.integers(0, 4)) == 0:
            flags |= bit
    if draw(st.integers(0, 15)) == 0:
        flags |= draw(st.sampled_from([0x01, 0x02, 0x03]))      # bits 38-39: invalid
    if command == 0x63:
        data, count = DE_AT, draw(st.sampled_from([16, 16, 16, 8, 20]))
    elif command == 0x43:
        data, count = LOC_AT, draw(st.sampled_from([8, 8, 8, 4, 12]))
    else:
        data = draw(st.sampled_from(_DATA_ADDRESSES))
        count = draw(st.sampled_from(_COUNTS))
    if flags & 0x04:
        data = IDAW_AT + 4 * draw(st.integers(0, 3)) + draw(st.sampled_from([0] * 7 + [2]))
    return command, data, flags, count


@st.composite
def channel_programs(draw: st.DrawFn, device: str | None = None, length: int | None = None,
                     wait: str | None = None, caw_key: int | None = None) -> str:
    """The assembler source of a guest that starts one channel program on one of the
    devices of ``CHANNEL_DEVICES`` (``device``: 3215, 2540R, 2540P, 1403, 3370, or
    none, an address with no device) and waits for its end (storage map above).

    The channel program has ``length`` CCWs (1-5): commands of the device, any other
    byte (invalid ones among them: four low-order zeros), TIC (to a CCW of the
    program, to a TIC, misaligned, beyond storage; first in the program too); flags
    CD, CC, SLI, SKIP, PCI, IDA and now and then bits 38-39; counts from zero to
    X'FFFF'; data addresses in the data areas, across 2K and page boundaries and
    beyond the 64K of storage.  For the disk, mostly a DEFINE EXTENT and LOCATE
    whose parameters fit a disk of CHANNEL_DISK_BLOCKS blocks (sometimes not), then
    READ or WRITE.  IDAW lists with valid and invalid IDAWs (not on a 2K boundary
    after the first, nonzero bits 0-7, beyond storage).  The CAW key is
    ``caw_key``; the storage keys of the data blocks are drawn (with fetch
    protection); now and then the CAW is invalid (bits 4-7, an odd or out-of-storage
    command address).

    The guest starts it with START I/O or START I/O FAST RELEASE, perhaps issues
    HALT I/O, HALT DEVICE, CLEAR I/O, TEST I/O or TEST CHANNEL at once, waits
    (``wait``: ``interrupt``, an enabled wait whose I/O interruptions the handler
    records, or ``tio``, a TEST I/O loop with I/O interruptions disabled), then
    issues up to three I/O instructions, each recorded with its CSW, and ends in a
    disabled wait.  Assemble it with ``reference.asm.assembler.assemble``."""
    if device is None:
        device = draw(st.sampled_from(["3215", "2540R", "2540P", "1403", "3370", "3370",
                                       "none"]))
    if wait is None:
        wait = draw(st.sampled_from(["interrupt", "interrupt", "tio"]))
    if caw_key is None:
        caw_key = draw(st.sampled_from([0, 0, 0, 1, 3, 15]))
    address = CHANNEL_DEVICES[device]
    de, loc = draw(_disk_parameters())
    if device == "3370" and draw(st.integers(0, 3)) > 0:
        # A disk chain: DEFINE EXTENT, LOCATE, READ or WRITE (maybe data chained).
        n = draw(st.integers(0, 2)) if length is None else max(0, length - 3)
        command = 0x41 if loc[0] in (0x01, 0x05) else 0x42
        if draw(st.integers(0, 5)) == 0:
            command ^= 0x03                              # READ for WRITE, or back
        ccws = [(0x63, DE_AT, 0x40, 16), (0x43, LOC_AT, 0x40, 8)]
        blocks = int.from_bytes(loc[2:4], "big")
        count = draw(st.sampled_from([512 * blocks] * 4 + [512, 256, 1536, 100]))
        count = count & 0xFFFF or 512
        flags = draw(st.sampled_from([0, 0, 0x20, 0x80 if n else 0, 0x04, 0x08]))
        data = IDAW_AT if flags & 0x04 else draw(st.sampled_from(_DATA_ADDRESSES[:10]))
        ccws.append((command, data, flags, count))
        ccws += [draw(_ccw(device, 3 + i, 3 + n)) for i in range(n)]
    else:
        n = draw(st.integers(1, 5)) if length is None else length
        ccws = [draw(_ccw(device, i, n)) for i in range(n)]
    idaws = [draw(st.sampled_from([0x2000, 0x2100, 0x2800, 0x3000, 0x3800, 0x2900, 0x7800,
                                   0xF800, 0x10000, 0x01002000]))
             for _ in range(8)]
    keys = [draw(st.sampled_from([0x00, 0x00, 0x00, 0x10, 0x18, 0x30, 0xF0, 0xF8]))
            for _ in range((DATA_END - CP_AT) >> 11)]
    if draw(st.integers(0, 3)):
        keys[0] = keys[1] = 0       # the CCWs, IDAWs and disk parameters: mostly key 0
    caw = (caw_key << 28) | CP_AT
    if draw(st.integers(0, 11)) == 0:
        caw = draw(st.sampled_from([caw | 0x01000000, caw | 4, (caw_key << 28) | 0x10000,
                                    (caw_key << 28) | (CP_AT + 8)]))
    start = draw(st.sampled_from(["SIO", "SIO", "SIOF"]))
    at_once = [draw(st.sampled_from(["HIO", "HDV", "CLRIO", "TIO", "TCH"]))
               for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2])))]
    after = [draw(st.sampled_from(["TIO", "TCH", "HIO", "HDV", "CLRIO", "STIDC", "SIO"]))
             for _ in range(draw(st.integers(0, 3)))]

    def instruction(mnemonic: str) -> list[str]:
        # R3: the device address; the BALR word and the CSW go to the results (R7).
        operand = "0(3)" if mnemonic != "TCH" and mnemonic != "STIDC" else "0(4)"
        return [f"         {mnemonic:5} {operand}", "         BALR  15,0",
                "         ST    15,0(0,7)", "         MVC   8(8,7),X'40'(0)",
                "         LA    7,16(0,7)"]

    lines = ["T        START 0",
             "         DC    X'00080000',A(X'400')     restart: EC mode, disabled",
             "         ORG   T+X'68'",
             "         DC    X'000A0000',A(X'E68')     program: stop",
             "         ORG   T+X'78'",
             "         DC    X'00080000',A(X'300')     I/O: the handler",
             "         ORG   T+X'300'",
             "IOH      MVC   0(2,9),X'BA'(0)           I/O address",
             "         MVC   8(8,9),X'40'(0)           CSW",
             "         LA    9,16(0,9)",
             "         CLI   X'44'(0),0                unit status: the end",
             "         BNE   AFTER-T(0,0)",
             "         TM    X'45'(0),X'7F'            channel status other than PCI",
             "         BNZ   AFTER-T(0,0)",
             "         BCT   8,WAIT-T(0,0)             a PCI: wait again (8 times)",
             "         B     AFTER-T(0,0)",
             "         ORG   T+X'400'",
             "         LA    9,X'A00'(0)               R9: interruption log",
             "         LA    7,X'B00'(0)               R7: results",
             "         LA    8,8(0)",
             "         L     3,X'804'(0)               R3: the device",
             "         LR    4,3                       R4: its channel",
             "         N     4,X'808'(0)"]
    lines += [f"         LA    6,X'{CP_AT >> 1:X}'(0)             R6: the blocks, from CP_AT"]
    for i in range(len(keys)):
        lines += [f"         IC    5,X'{0x820 + i:03X}'(0)",
                  "         LA    6,X'800'(0,6)",
                  "         SSK   5,6"]
    lines += ["         MVC   X'48'(4,0),X'800'(0)      CAW"]
    lines += instruction(start)
    lines += ["         BC    7,AFTER-T(0,0)            not started"]
    for mnemonic in at_once:
        lines += instruction(mnemonic)
    if wait == "interrupt":
        lines += ["WAIT     LPSW  X'810'(0)                 enabled wait (I/O)"]
    else:
        lines += ["WAIT     TIO   0(3)",
                  "         BC    2,WAIT-T(0,0)             CC 2: working",
                  "         BALR  15,0",
                  "         ST    15,0(0,7)",
                  "         MVC   8(8,7),X'40'(0)",
                  "         LA    7,16(0,7)"]
    lines += ["AFTER    DS    0H"]
    for mnemonic in after:
        lines += instruction(mnemonic)
    lines += ["         LPSW  X'818'(0)                 the end"]
    lines += ["         ORG   T+X'800'",
              f"         DC    X'{caw:08X}'               CAW",
              f"         DC    X'{address:08X}'               device",
              "         DC    X'0000FF00'               channel mask",
              "         DS    F",
              "         DC    X'020A0000',A(0)          wait, I/O enabled",
              "         DC    X'000A0000',A(0)          the end",
              "         DC    X'" + "".join(f"{k:02X}" for k in keys) + "'   storage keys",
              f"         ORG   T+X'{CP_AT:X}'"]
    for command, data, flags, count in ccws:
        lines.append(f"         DC    X'{command:02X}{data & 0xFFFFFF:06X}{flags:02X}00"
                     f"{count & 0xFFFF:04X}'")
    lines += [f"         ORG   T+X'{IDAW_AT:X}'"]
    lines += [f"         DC    X'{a & 0xFFFFFFFF:08X}'" for a in idaws]
    lines += [f"         ORG   T+X'{DE_AT:X}'", f"         DC    X'{de.hex().upper()}'",
              f"         ORG   T+X'{LOC_AT:X}'", f"         DC    X'{loc.hex().upper()}'",
              f"         ORG   T+X'{DATA_AT:X}'",
              f"         DC    {(DATA_END - DATA_AT) // 8}X'C1C2C3C4C5C6C7C8'",
              "         END"]
    return "\n".join(lines) + "\n"
