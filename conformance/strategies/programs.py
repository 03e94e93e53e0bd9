"""Whole guest programs that mix privileged, general and floating-point instructions.

``guest_programs(ec=None, problem=None, length=None, privileged=None, general=None,
floating=None)``: assembler source of a program that mixes privileged instructions
(``PRIVILEGED_POOL``: SSM, STNSM, STOSM, LPSW, SSK, ISK, RRB, IPK, SPKA, LCTL, STCTL,
SPX, STPX, SCK, SCKC, STCKC, SPT, STPT, PTLB, LRA, TPROT, STIDP, STAP, SIGP, DIAG)
with general ones (``GENERAL_POOL``) and floating-point ones (``FLOATING_POOL``: the
51 instructions of the floating-point facility, register fields now and then
invalid, storage operands in the floating-point data or the scratch area) and
interruption handlers, starting in supervisor or problem state, BC or EC mode, with
the floating-point registers loaded from random values when it has floating-point
instructions.  Its storage map is below.
It never turns DAT on by itself (``conformance.strategies.dat`` does): the PSWs and
mask bytes it may load are drawn without the DAT bit.  ``psw_operands`` and
``program_instructions`` are its pieces: a PSW as the operand of a DC, one
instruction of the program.  ``floating=None`` draws whether the program has
floating-point instructions (about a third do); ``floating=[]`` never, for a machine
without the facility (the prologue of such a program loads no floating-point
register either).
"""

from __future__ import annotations

from hypothesis import strategies as st

from reference.arch import opcodes

from .instructions import (
    CR_POOLS,
    EXTENDED_R1,
    EXTENDED_R2,
    FLOAT_DATA,
    FLOAT_DOUBLEWORDS,
    float_registers,
    float_values,
    hex_term,
)

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
#   C00-C7F  floating-point operands (FLOAT_DATA); the prologue loads FPR 0-6 from
#            C00-C1F
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
GENERAL_POOL = ["LA", "AR", "ST", "L", "BC", "SVC", "MC", "EX", "SPM", "BALR", "STCK"]
FLOATING_POOL = [row.mnemonic for row in opcodes.TABLE if row.floating_point]


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
                         general: list[str] | None = None,
                         floating: list[str] | None = None) -> str:
    """One instruction (assembler text) of a guest program: a privileged one from
    ``privileged`` (default PRIVILEGED_POOL), a general one from ``general``
    (default GENERAL_POOL) or a floating-point one from ``floating`` (default
    FLOATING_POOL), with operands in the program's storage map."""
    privileged_pool = PRIVILEGED_POOL if privileged is None else privileged
    general_pool = GENERAL_POOL if general is None else general
    floating_pool = FLOATING_POOL if floating is None else floating
    def reg() -> int:
        return draw(st.integers(0, 15))

    def label() -> str:
        return f"I{draw(st.integers(0, n_labels - 1))}"

    def scratch(align: int) -> str:
        if draw(st.integers(0, 19)) == 0:   # sometimes misaligned
            return f"{hex_term(SCRATCH + 1, 3)}(0)"
        return f"{hex_term(SCRATCH + align * draw(st.integers(0, 0x80 // align - 1)), 3)}(0)"

    def anywhere() -> str:
        if draw(st.booleans()):
            return f"{hex_term(draw(st.integers(0, 0xFFF)), 3)}(0)"
        return f"{hex_term(draw(st.integers(0, 0xFF)), 3)}({draw(st.integers(1, 15))})"

    def float_data(length: int) -> str:
        at = FLOAT_DATA + draw(st.integers(0, 8 * FLOAT_DOUBLEWORDS - length))
        return f"{hex_term(at, 3)}(0)"

    kinds = (["privileged"] * 3 * bool(privileged_pool) + ["general"] * 2 * bool(general_pool)
             + ["floating"] * 2 * bool(floating_pool))
    kind = draw(st.sampled_from(kinds))
    mn = draw(st.sampled_from({"privileged": privileged_pool, "general": general_pool,
                               "floating": floating_pool}[kind]))
    if kind == "floating":
        row = opcodes.BY_MNEMONIC[mn]
        r1 = draw(float_registers(mn in EXTENDED_R1))
        if row.layout == "RR":
            return f"{mn:5} {r1},{draw(float_registers(mn in EXTENDED_R2))}"
        length = 4 if mn.endswith(("E", "U")) or mn == "STE" else 8
        if mn in ("STD", "STE"):
            where = draw(st.sampled_from([scratch(length), scratch(length), float_data(length)]))
        else:
            where = draw(st.sampled_from([float_data(length), float_data(length),
                                          float_data(length), scratch(length), anywhere()]))
        return f"{mn:5} {r1},{where}"
    if mn == "SSM":
        return f"SSM   {hex_term(MASK_AREA + draw(st.integers(0, 7)), 3)}(0)"
    if mn == "STNSM":
        return f"STNSM {scratch(1)},{hex_term(draw(st.integers(0, 255)), 2)}"
    if mn == "STOSM":
        return f"STOSM {scratch(1)},{hex_term(draw(st.integers(0, 255)) & ~0x04, 2)}"
    if mn == "LPSW":
        at = PSW_AREA + 8 * draw(st.integers(0, 7)) + draw(st.sampled_from([0] * 7 + [4]))
        return f"LPSW  {hex_term(at, 3)}(0)"
    if mn in ("SSK", "ISK", "AR"):
        return f"{mn:5} {reg()},{reg()}"
    if mn == "RRB":
        return f"RRB   {anywhere()}"
    if mn in ("IPK", "PTLB"):
        return mn
    if mn == "SPKA":
        return f"SPKA  {hex_term(draw(st.sampled_from([0, 0, 1, 3, 15])) << 4, 3)}(0)"
    if mn == "LCTL":
        return f"LCTL  {reg()},{reg()},{hex_term(CR_AREA + 4 * draw(st.integers(0, 15)), 3)}(0)"
    if mn == "STCTL":
        return f"STCTL {reg()},{reg()},{scratch(4)}"
    if mn == "SPX":
        return f"SPX   {hex_term(PFX_AREA + 4 * draw(st.integers(0, 1)), 3)}(0)"
    if mn in ("SCK", "SCKC", "SPT"):
        return f"{mn:5} {hex_term(TIMER_AREA + 8 * draw(st.integers(0, 3)), 3)}(0)"
    if mn in ("STCKC", "STPT", "STIDP", "STCK"):
        return f"{mn:5} {scratch(8)}"
    if mn in ("STPX", "ST"):
        return f"{mn:5} {(str(reg()) + ',') if mn == 'ST' else ''}{scratch(4)}"
    if mn == "STAP":
        return f"STAP  {scratch(2)}"
    if mn == "LRA":
        return f"LRA   {reg()},{anywhere()}"
    if mn == "TPROT":
        return f"TPROT {anywhere()},{hex_term(draw(st.sampled_from([0, 0x10, 0x30, 0xF0])), 3)}(0)"
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
        return f"MC    {hex_term(draw(st.integers(0, 0xFFF)), 3)}(0),{draw(st.integers(0, 15))}"
    if mn == "EX":
        return f"EX    0,{hex_term(EX_AREA + 8 * draw(st.integers(0, 3)), 3)}(0)"
    if mn == "SPM":
        return f"SPM   {reg()}"
    return f"BALR  {reg()},0"


@st.composite
def guest_programs(draw: st.DrawFn, ec: bool | None = None, problem: bool | None = None,
                   length: int | None = None, privileged: list[str] | None = None,
                   general: list[str] | None = None,
                   floating: list[str] | None = None) -> str:
    """The assembler source of a whole guest program (see the storage map above):
    ``length`` instructions mixing ``privileged``, ``general`` and ``floating``
    ones, with interruption handlers that record and return (or stop), starting in
    EC or BC mode (``ec``), in the problem or supervisor state (``problem``), the
    floating-point registers loaded from random values when it has floating-point
    instructions (``floating`` None: drawn, FLOATING_POOL or none).  Assemble it
    with ``reference.asm.assembler.assemble``; ``s370 compare`` runs it natively
    and under the VMCP."""
    n = draw(st.integers(1, 20)) if length is None else length
    if floating is None:     # drawn: floating point in about a third of the programs
        floating = FLOATING_POOL if draw(st.integers(0, 2)) == 0 else []
    body = [draw(program_instructions(n, privileged, general, floating)) for _ in range(n)]
    with_floating = bool(floating)
    float_data = [draw(float_values()) for _ in range(FLOAT_DOUBLEWORDS)] \
        if with_floating else []
    ex_pool = [m for m in (PRIVILEGED_POOL if privileged is None else privileged)
               if m != "LPSW"] or ["SSM"]
    ex_targets = [draw(program_instructions(n, ex_pool, [], floating)) for _ in range(4)]
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
        if with_floating:
            lines += [f"         LD    {r},{hex_term(FLOAT_DATA + 4 * r, 3)}(0)"
                      for r in (0, 2, 4, 6)]
        if load_crs:
            lines.append("         LCTL  0,15,X'880'(0)")
        for i, text in enumerate(body):
            lines.append(f"{f'I{i}' if labels else '':8} {text}")
        lines += ["         LPSW  X'800'(0)", org(0x7F0), "         LPSW  X'800'(0)"]
        lines += [org(PSW_AREA), f"         DC    X'{done}'"]
        lines += [f"         DC    {p}" for p in psws]
        lines += [org(REG_AREA)] + [f"         DC    {hex_term(r, 8)}" for r in registers]
        lines += [org(CR_AREA)] + [f"         DC    {hex_term(c, 8)}" for c in crs]
        lines += [org(TIMER_AREA)] + [f"         DC    {hex_term(t, 16)}" for t in timers]
        lines += [org(MASK_AREA), "         DC    X'" + "".join(f"{m:02X}" for m in masks) + "'"]
        lines += [org(PFX_AREA)] + [f"         DC    {hex_term(p, 8)}" for p in prefixes]
        lines += [org(EX_AREA + 8 * i) + f"\n         {t}" for i, t in enumerate(ex_targets)]
        if with_floating:
            lines += [org(FLOAT_DATA)] + [f"         DC    {hex_term(v, 16)}" for v in float_data]
        return lines

    source = ["T        START 0"] + page(0, True) + page(0x8000, False) + ["         END"]
    return "\n".join(source) + "\n"
