"""Hercules' own test scripts (``.tst``) run on an implementation under test.

The SDL Hercules project's low-level tests (``tests/`` of SDL-Hercules-390/hyperion,
described in its ``tests/README.md``) are scripts of Hercules console commands.  Under
Hercules, the ``runtest`` shell script runs them and ``redtest.rexx`` reads the
console log: the "loud" comments (``*`` followed by a word, not a blank) in the log
are its directives, checked against the messages Hercules wrote (storage and
register displays, program checks, disabled waits).  This module reads a script
itself and applies the same checks to a run of an ``Implementation``
(``conformance.implementations``), in System/370 mode, natively or under the VMCP.
``pytest --s370-hercules-tests=DIR`` (``conformance.plugin``) collects every
``.tst`` file of ``DIR``, one item per script and mode.

Lines.  A line whose first word begins with ``#``, and ``*`` followed by a blank (or
nothing), is a comment; ``# ...`` after a command is a comment.  ``$(name)`` and
``${name}`` in a command are replaced by the symbol's value (``defsym``); the symbol
``testpath`` is the directory of the script.  Directives are not substituted.

Commands (Hercules' console commands: its "Console Commands" documentation,
tests/README.md, and the sources named below), and what each becomes here:

- ``sysclear``: system reset clear: storage and storage keys zero, registers at
  their clear-reset values, no run has happened (the next ``runtest`` starts from
  the clear reset every implementation starts its runs from).  ``sysreset``: system
  reset normal; storage and the registers stay, so a ``runtest`` after a run needs a
  ``sysclear`` between them.
- ``archlvl``/``archmode`` ``370`` (``S/370``): System/370.  Any other
  architecture, and ``archlvl`` subcommands (facilities), make the script a skip.
  A ``runtest`` before the script selects S/370 is a skip too (Hercules' default
  architecture is z/Arch).
- ``mainsize N``: main storage of N MiB (``K``, ``M``, ``G``, ``B`` suffixes taken);
  it clears storage.  ``numcpu 1``; more CPUs: a skip.
- ``loadcore FILE [ADDR]``: the file's bytes into storage at ADDR (hex, default 0);
  a relative FILE is taken from the script's directory.
- ``r``/``abs`` ``ADDR[-END|.LEN]``: display real (absolute) storage, 64 bytes when
  no range is given; ``r ADDR=HEX`` (up to 32 bytes, blanks allowed) alters storage
  and displays what it altered.  Before a run, alterations build the image the run
  starts from (``r`` at real addresses: with a prefix set, prefixing applies).
- ``gpr``, ``fpr``, ``cr``: display the registers (their values after the last run,
  or before one the values the run will begin from).  ``gpr N=HEX``, ``cr N=HEX``
  (N 0-15, 32 bits), ``fpr N=HEX`` (N 0, 2, 4 or 6, 64 bits) and ``pr HEX`` (bits
  8-19) before a run set that register for it: the run begins from them, the others
  as the clear reset leaves them (``conformance.implementations.Start``; Hercules'
  ``runtest`` then presses the restart key, which resets no register).  An
  implementation that cannot begin a run from them in the mode
  (``start_refusal``: no ``run_from``, an adapter without the field in its mode's
  ``capabilities.set``, a prefix under the VMCP) makes the script a skip naming
  what is missing; a register set to its clear-reset value needs nothing.  ``fpr``
  1, 3, 5, 7-15 (Hercules' additional floating-point registers, which S/370 does
  not have) and setting a register after a run (the next run would need a
  ``sysclear``) are skips.  ``pr``: display the prefix register.
- ``f-``/``f+ ADDR[-END|.LEN]``: mark the 2K frames unusable (usable).  In S/370,
  Hercules keeps the mark in an internal bit of the storage key (STORKEY_BADFRM,
  X'01') that its S/370 key instructions (ISK, SSK, RRB) never see
  (``skey.h``); only TEST BLOCK (which the reference does not have) and the key a
  storage display shows (``K:``, ``hscmisc.c``) reveal it.  So it changes nothing
  in the run, and the key of a marked frame is displayed with X'01' for ``*Key``.
- ``runtest [restart] [TIMEOUT]``: Hercules presses the restart key (``script.c``,
  ``runtest``): the current PSW is stored at real 8 and the PSW at real 0 loaded,
  which is how an ``Implementation`` starts a run; it then waits until the CPU is
  stopped or in a disabled wait.  Here the run is ``impl.run`` of the storage
  built so far (``impl.run_from`` when registers were set before it), bounded by
  the runner's instruction limit (``STEP_LIMIT``) instead of TIMEOUT seconds;
  ``runtest start`` and ``runtest <oldpsw>`` (a run from a PSW other than the
  restart new PSW) are skips, and so is a main storage size the
  implementation does not take (an adapter's ``storage`` capability).
- ``ostailor quiet|null|default`` and ``pgmtrace [-]CODE``: which program
  interruptions Hercules logs (``cpu.c``; ``hconsts.h`` OS_QUIET, OS_NULL,
  OS_DEFAULT), and so which ones redtest.rexx sees.  The default (``impl.c``) is
  OS_DEFAULT: every code but segment translation (X'10'), page translation (X'11'),
  trace table (X'16'), space switch (X'1C') and monitor event (X'40').  Other
  ``ostailor`` values are a skip.
- ``defsym NAME VALUE``, ``script FILE`` (the file's lines run in place; relative
  to the script's directory), ``facility disable NAME`` (the implementation has
  none of Hercules' own facilities, so this changes nothing: ``facility disable
  HERC_370_EXTENSION`` asks for plain System/370, which is what the reference is);
  ``facility enable NAME`` is a skip (``HERC_370_EXTENSION``: Hercules' S/370
  extension facility, instructions of later architectures in S/370 mode, beyond
  GA22-7000),
  ``diag8cmd disable`` (``enable`` is a skip), and ``stopall``, ``stop``,
  ``pause``, ``msglevel``, ``msglvl``, ``panrate``, which change nothing here.
  Operands glued to a command (``t+00e``, ``f-5000``) are taken as Hercules takes
  them.
- Hercules commands this runner does not model (devices: ``attach``, ``detach``,
  ``devinit``, ``ipl``; ``start``, ``restart``, ``psw``, ``v``, ``t+``,
  ``shcmdopt``, ``rexx``, ``cpuverid`` and the like) make the script a skip naming
  the command; a command Hercules does not have is an error.  In a script that
  compares Hercules' console messages (``*Error``, ...), a command with operands
  Hercules would refuse is a skip too (the script tests the refusal's message).

Directives (redtest.rexx; tests/README.md, ".tst file directives"):

- ``*Testcase NAME`` begins a test case; ``*Done [nowait]`` ends it: a program
  check must have happened when ``*Program`` asked for one (the last program check
  of the case must have the code of the last ``*Program``), none when it did not,
  and a disabled wait must have been seen unless ``nowait``.
- ``*Program N``: a program check with interruption code N is expected (N hex; as
  in Rexx, codes that are both decimal numbers compare as numbers: ``7`` = ``0007``).
  The program checks are the outcome's interruptions that Hercules would log
  (``ostailor``, above); an implementation that does not
  list them (an adapter without the ``interruptions`` capability) is judged by its
  last one, read from the program old PSW (real 40) and the interruption code (real
  142, EC mode) when the run changed them.  A test case that fails after its
  program took an operation exception on an instruction that Hercules has in S/370
  mode but the reference's GA22-7000 operation-code table has not
  (``HERCULES_S370_ONLY``: RRBE, ISKE, SSKE, TB, the dual-address-space, vector,
  ECPS:VM and MVS assist instructions, ...) is a skipped test case naming the
  instruction and the failure: the script needs what the implementation lacks.
- Every disabled wait of a run is checked as redtest.rexx checks the wait message:
  the PSW is accepted when its rightmost six hex digits are zero (address 0), or when
  its rightmost four are ``DEAD`` and the last program check has the ``*Program``
  code.  A run that ends otherwise than stopped or in a disabled wait (the step
  limit, an enabled wait) is a timeout, a failure unless ``*Timeout``.  A run that
  ends in a check-stop has no wait.
- ``*Compare``: from here on storage displays are kept for ``*Want`` and ``*Key``.
- ``*Want ["description"] HEX...``: the last line of the last storage display
  (16-byte aligned, four-byte groups, blanks for bytes outside the range) must
  equal HEX (Rexx comparison: outer blanks ignored; this runner also ignores case).
- ``*Key HEX``: the storage key of the last 2K frame of the last storage display
  (the outcome's key; Hercules' ``loadcore`` and ``r`` alterations also set the
  reference and change bits of what they store, the image a run starts from has
  none).
- ``*Gpr N HEX``, ``*Cr N HEX``, ``*Fpr N HEX``: register N (decimal, no leading
  zero) of the last ``gpr``, ``cr``, ``fpr`` display.  ``*Prefix HEX``: the last
  ``pr`` display.
- ``*If EXPR`` / ``*Else`` / ``*Fi``: EXPR is a Rexx expression over ``$variables``
  (comparisons, ``\\``, ``&``, ``|``, parentheses).  The variables are redtest's: this
  runner's values say S/370 only (``$can_s370_mode`` 1), no Rexx, 64-bit, 1 CPU; the
  others have redtest's defaults (0 or empty).  Directives in a false branch are
  ignored, as in redtest; so are commands (Hercules would run them, but nothing in
  such a branch is checked).
- ``*Explain TEXT`` is shown with the next failed check; ``*Message TEXT`` is
  recorded, and a ``*Message SKIPPING: ...`` (with ``*Message REASON: ...``), the
  convention by which a script says it cannot run, makes the script a skip.
- ``*Timeout``: a timeout is expected.  ``*Hmsg``, ``*Error``, ``*Info`` compare
  Hercules' console messages, which an implementation does not produce: a skip.

Skips.  What this runner or the implementation cannot do (each skip above) skips
the test case it is met in: its other statements are not carried out, and the
script goes on at the next ``*Testcase``.  Hercules would have carried them out, so
that test case runs only from a machine set up again: its ``runtest`` is a skip
unless ``sysclear`` and ``archlvl 370`` came before it (after the skipped case), or
while a facility enabled there is not disabled; a skipped case whose statements
not carried out change what those do not reset (``RESUME_BLOCKERS``: ``mainsize``,
``numcpu``, ``ostailor``, ...; a command not modelled) ends the script there.  A
skip outside a test case ends the script.

A script's outcome: failed when a check failed (every failure is listed with its
``file:line``), else skipped when a test case was skipped or the script ended early
(each skip with its ``file:line`` and reason), else passed.  A malformed script or an
unknown command or directive is one ``ScriptError``, ``file:line: problem``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .adapter import AdapterError
from .implementations import FPR_NUMBERS, PREFIX_MASK, Implementation, Outcome, Start, start_refusal

STEP_LIMIT = 5_000_000          # instructions a runtest may take (the timeout's stand-in)
DEFAULT_MAINSIZE = 2 << 20      # Hercules' default main storage size
MAX_INCLUDE_DEPTH = 16
BLOCK = 2048                    # S/370 storage key block (Hercules: 2K keys in S/370)
BADFRM = 0x01                   # Hercules' unusable-frame bit of a storage key
MASK64 = (1 << 64) - 1


def _pgmbit(code: int) -> int:
    return 1 << ((code - 1) & 0x3F)


# The program interruptions Hercules logs (HHC00801I), so that redtest.rexx sees them:
# a bit per code, as ``ostailor``/``pgmtrace`` set them (hconsts.h).  By default
# (impl.c: OS_DEFAULT) all but segment translation, page translation, trace table,
# space switch and monitor event.
OS_QUIET = 0
OS_NULL = (1 << 64) - 1
OS_DEFAULT = OS_NULL & ~(_pgmbit(0x10) | _pgmbit(0x11) | _pgmbit(0x16) | _pgmbit(0x1C)
                         | _pgmbit(0x40))

# The initial values of the control registers after a clear reset (GA22-7000,
# "Initial Values": the project's runs start from them, conformance.implementations).
RESET_CR = {0: 0x000000E0, 2: 0xFFFFFFFF, 14: 0xC2000000, 15: 0x00000200}

# redtest.rexx's predefined variables, as this runner sets them.
VARIABLES: dict[str, str] = {
    "CAN_S370_MODE": "1", "CAN_ESA390_MODE": "0", "CAN_ZARCH_MODE": "0",
    "PTRSIZE": "8", "MAX_CPU_ENGINES": "1", "REXX_SUPPORTED": "0", "KEEPALIVE": "Full",
}
_BOOLEAN_VARIABLES = (
    "CCKD_BZIP2 CMPXCHG1 CMPXCHG16 CMPXCHG4 CMPXCHG8 CONFIG_INCLUDE CONFIG_SYMBOLS "
    "EXTERNALGUI FETCH_DW HAO HDL HET_BZIP2 HTTP IEEE IPV6 NLS REGEX REXX_ERRPREFIX "
    "REXX_MSGLEVEL REXX_MSGPREFIX REXX_RESOLVER REXX_SYSPATH SHARED_DEVICES SIGHANDLING "
    "SQRTL STORE_DW SYNCIO SYSTEM_SYMBOLS ZLIB QUIET").split()
for _name in _BOOLEAN_VARIABLES:
    VARIABLES.setdefault(_name, "0")

# The instructions Hercules offers in S/370 mode (hyperion opcode.c, the entries
# generated for S/370, feat370.h; the E5xx are the MVS assists of GA22-7079) that are
# not in the reference's operation-code table (GA22-7000): a test case that fails
# after an operation exception on one of them needs what the implementation does not
# have; it does not show the implementation wrong.
HERCULES_S370_ONLY: dict[str, str] = dict(item.split("=") for item in """
    B200=CONCS B201=DISCS B218=PC B219=SAC B222=IPM B223=IVSK B224=IAC B225=SSAR
    B226=EPAR B227=ESAR B228=PT B229=ISKE B22A=RRBE B22B=SSKE B22C=TB B22D=DXR
    B242=Assist B27D=STSI B2F0=IUCV E600=FREE E601=FRET E602=VLKPG E603=VULKP
    E604=DNCCW E605=FCCWS E606=SCNVU E607=DISP1 E608=TRBRG E609=TRLCK E60A=VIST
    E60B=VIPT E60C=DFCCW E60D=DISP0 E60E=SCNRU E60F=CCWGN E610=UXCCW E611=DISP2
    E612=STEVL E613=LCSPG E614=FREEX E615=FRETX E616=PRFMA E8=MVCIN
    E500=MVS-assist E502=Fix-Page-assist E503=MVS-assist E504=MVS-assist
    E505=MVS-assist E506=MVS-assist E507=MVS-assist E508=MVS-assist E509=MVS-assist
    E50A=MVS-assist E50B=MVS-assist E50C=MVS-assist E50D=MVS-assist
    A640=VTVM A641=VCVM A642=VCZVM A643=VCOVM A644=VXVC A646=VXVMM A648=VRRS
    A649=VRSVC A64A=VRSV A680=VLVM A681=VLCVM A682=VSTVM A684=VNVM A685=VOVM
    A686=VXVM A6C0=VSRSV A6C1=VMRSV A6C2=VSRRS A6C3=VMRRS A6C4=VLVCA A6C5=VRCL
    A6C6=VSVMM A6C7=VLVXA A6C8=VSTVP A6CA=VACSV A6CB=VACRS""".split())

# Commands whose effect a sysclear and an archlvl do not undo: passed over in a
# skipped test case, they keep the script from going on to the next one.
RESUME_BLOCKERS = frozenset(("mainsize", "numcpu", "ostailor", "pgmtrace", "defsym",
                             "diag8cmd", "script"))

DIRECTIVES = ("*Testcase", "*Done", "*Want", "*Gpr", "*Fpr", "*Cr", "*Key", "*Prefix",
              "*Program", "*Compare", "*If", "*Else", "*Fi", "*Explain", "*Message",
              "*Timeout", "*Hmsg", "*Error", "*Info")

# Commands this runner carries out (see the module's docstring).
SUPPORTED = frozenset((
    "sysclear", "sysreset", "archlvl", "archmode", "mainsize", "numcpu", "loadcore",
    "r", "abs", "gpr", "fpr", "cr", "pr", "f-", "f+", "f?", "runtest", "defsym",
    "script", "facility", "stopall", "stop", "pause", "msglevel", "msglvl", "panrate",
    "ostailor", "pgmtrace", "diag8cmd"))

# Hercules commands that this runner does not model: a script with one is a skip.
UNMODELLED = frozenset((
    "attach", "detach", "define", "devinit", "devlist", "ipl", "iplc", "start",
    "startall", "restart", "psw", "v", "shcmdopt", "rexx", "cpuverid",
    "cpumodel", "cpuserial", "cpuidfmt", "lparnum", "lparname",
    "loadparm", "loadtext", "savecore", "tzoffset", "timerint", "sh", "exec", "maxcpu",
    "numvec", "engines", "ext", "t", "t+", "t-", "s", "s+", "s-", "b", "b+", "b-", "g",
    "i", "ds", "sclproot", "cmdlevel", "cmdsep", "hao", "xpndsize", "mt", "sf+", "sf-",
    "sfc", "sfd", "sfk", "cckd", "emsg", "quiet", "model", "plant", "manufacturer",
    "asn_and_lx_reuse", "alrf", "aea", "aia", "clocks", "ipending", "qcpuid", "qproc",
    "ldmod", "rmmod", "defstore", "conkpalv", "diag8", "ecpsvm", "evm", "ptt", "sysg",
    "txf", "suspend", "resume", "traceopt", "u", "z", "cpu", "fac", "o+", "o-"))


class ScriptError(Exception):
    """A malformed script: one line, ``file:line: problem``."""


class ScriptSkip(Exception):
    """The script needs what the runner or the implementation cannot do."""


@dataclass(frozen=True)
class Statement:
    """One line of a script that is not a plain comment."""

    path: Path
    line: int
    verb: str          # a directive ("*Want") or a command, lower case ("r")
    rest: str          # the rest of the line (a command's: without its # comment)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def is_directive(self) -> bool:
        return self.verb.startswith("*")


def parse(text: str, path: Path) -> list[Statement]:
    """The statements of a script: its directives and its commands, each checked to
    be known.  ScriptError for an unknown directive or command."""
    statements = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or line == "*" or line.startswith(("* ", "*\t")):
            continue
        verb, _, rest = line.partition(" ")
        if "\t" in verb:
            verb, _, more = verb.partition("\t")
            rest = f"{more} {rest}"
        rest = rest.strip()
        where = f"{path}:{number}"
        if verb.startswith("*"):
            if verb not in DIRECTIVES:
                raise ScriptError(f"{where}: unknown directive {verb} (directives are "
                                  f"case sensitive: {', '.join(DIRECTIVES)})")
        else:
            verb = verb.lower()
            glued = _GLUED.fullmatch(verb)
            if verb not in SUPPORTED and verb not in UNMODELLED and glued:
                verb = glued.group(1)          # "t+00e": the command t+, operand 00e
                rest = f"{glued.group(2)} {rest}"
            rest = _uncomment(rest)
            if verb not in SUPPORTED and verb not in UNMODELLED:
                raise ScriptError(f"{where}: unknown command {verb!r}")
        statements.append(Statement(path, number, verb, rest))
    return statements


# Hercules commands that take their operand without a blank ("t+00e", "f-5000").
_GLUED = re.compile(r"((?:t|s|b|f|o|sf)[+\-?])(\S+)")


def parse_file(path: Path) -> list[Statement]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise ScriptError(f"{path}:0: cannot read the script: {e.strerror}") from None
    return parse(text, path)


def _uncomment(text: str) -> str:
    """A command's operands without a trailing ``# comment``."""
    cut = re.search(r"(^|\s)#", text)
    return (text[:cut.start()] if cut else text).strip()


# --- *If expressions -----------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:(?P<str>'[^']*'|"[^"]*")|(?P<var>\$\w+)|(?P<num>[-+]?\d+(?:\.\d+)?)
                        |(?P<op>\\==|\\=|==|<>|<=|>=|\\<|\\>|=|<|>|&&|&|\||\\|¬|\(|\))
                        |(?P<word>[A-Za-z_]\w*))""", re.VERBOSE)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*", text) is not None


def rexx_equal(a: str, b: str) -> bool:
    """Rexx's ``=``: numbers compare as numbers; otherwise the strings without their
    outer blanks."""
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    return a.strip() == b.strip()


def evaluate(expression: str, variables: dict[str, str], where: str) -> bool:
    """A ``*If`` condition, as redtest.rexx evaluates it (a subset of Rexx)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ScriptError(f"{where}: *If {expression}: cannot read {text[pos:].strip()!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "str":
            tokens.append(("value", value[1:-1]))
        elif kind == "var":
            tokens.append(("value", variables.get(value[1:].upper(), "")))
        elif kind == "num":
            tokens.append(("value", value))
        elif kind == "word":
            tokens.append(("value", value.upper()))  # a Rexx symbol without a value
        else:
            tokens.append(("op", "\\" if value == "¬" else value))
    index = 0

    def bad(what: str) -> ScriptError:
        return ScriptError(f"{where}: *If {expression}: {what}")

    def peek() -> tuple[str, str] | None:
        return tokens[index] if index < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal index
        if index >= len(tokens):
            raise bad("incomplete expression")
        index += 1
        return tokens[index - 1]

    def truth(value: str) -> bool:
        if value.strip() not in ("0", "1"):
            raise bad(f"{value!r} is not 0 or 1")
        return value.strip() == "1"

    def term() -> str:
        kind, value = take()
        if kind == "value":
            return value
        if value == "(":
            inner = disjunction()
            if take() != ("op", ")"):
                raise bad("missing )")
            return inner
        if value == "\\":
            return "0" if truth(term()) else "1"
        raise bad(f"unexpected {value}")

    def comparison() -> str:
        left = term()
        nxt = peek()
        if nxt and nxt[0] == "op" and nxt[1] in ("=", "\\=", "<>", "==", "\\==",
                                                 "<", ">", "<=", ">=", "\\<", "\\>"):
            op = take()[1]
            right = term()
            if op in ("=", "\\=", "<>"):
                equal = rexx_equal(left, right)
                return "1" if equal == (op == "=") else "0"
            if op in ("==", "\\=="):
                return "1" if (left == right) == (op == "==") else "0"
            if _is_number(left) and _is_number(right):
                a: Any = float(left)
                b: Any = float(right)
            else:
                a, b = left.strip(), right.strip()
            result = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b,
                      "\\<": a >= b, "\\>": a <= b}[op]
            return "1" if result else "0"
        return left

    def conjunction() -> str:
        value = comparison()
        while peek() in (("op", "&"), ("op", "&&")):
            op = take()[1]
            right = comparison()
            if op == "&":
                value = "1" if truth(value) and truth(right) else "0"
            else:
                value = "1" if truth(value) != truth(right) else "0"
        return value

    def disjunction() -> str:
        value = conjunction()
        while peek() == ("op", "|"):
            take()
            right = conjunction()
            value = "1" if truth(value) or truth(right) else "0"
        return value

    if not tokens:
        raise bad("empty condition")
    result = disjunction()
    if index != len(tokens):
        raise bad(f"unexpected {tokens[index][1]!r}")
    return truth(result)


# --- The run -------------------------------------------------------------------------

@dataclass
class Testcase:
    """One ``*Testcase`` ... ``*Done``."""

    name: str
    where: str
    failures: list[str] = field(default_factory=list)
    oks: int = 0
    done: bool = False
    skipped: str | None = None      # why the case was skipped
    skips_itself: bool = False      # by *Message SKIPPING:


@dataclass
class Result:
    """What running a script gave."""

    testcases: list[Testcase] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)     # every failed check
    skip: str | None = None            # the skipped test cases, and why the script stopped
    messages: list[str] = field(default_factory=list)      # *Message texts
    runs: int = 0

    @property
    def passed(self) -> list[str]:
        return [t.name for t in self.testcases
                if t.done and not t.failures and t.skipped is None]

    def report(self) -> str:
        return "\n".join(self.failures)


_SYMBOL = re.compile(r"\$\(([^)]*)\)|\$\{([^}]*)\}")
_ARCH_370 = ("370", "s/370", "s370")
_RANGE = re.compile(r"([0-9a-fA-F]+)(?:([-.])([0-9a-fA-F]+))?$")


def _skipping(messages: list[str]) -> str:
    """What ``*Message SKIPPING: ...`` and ``*Message REASON: ...`` say, or ""."""
    skipping = [m for m in messages if m.startswith("SKIPPING:")]
    if not skipping:
        return ""
    reasons = [m for m in messages if m.startswith("REASON:")]
    return "; ".join(m.partition(":")[2].strip() for m in skipping + reasons)


def _hex(value: int, digits: int) -> str:
    return f"{value:0{digits}X}"


class Runner:
    """Runs one script on one implementation in one mode (``run_script``)."""

    def __init__(self, impl: Implementation, mode: str, step_limit: int = STEP_LIMIT) -> None:
        self.impl = impl
        self.mode = mode
        self.step_limit = step_limit
        self.result = Result()
        self.symbols: dict[str, str] = {}
        self.variables = dict(VARIABLES)
        # The machine.
        self.mainsize = DEFAULT_MAINSIZE
        self.storage = bytearray(self.mainsize)
        self.s370 = False
        self.outcome: Outcome | None = None     # the last run, until sysclear
        self.altered: dict[int, int] = {}       # storage altered after that run
        self.unusable: set[int] = set()          # 2K frames marked by f-
        # After a skipped test case: why (while its statements are passed over), the
        # commands passed over that keep the script from going on, what the next
        # run needs first, and the Hercules facilities enabled (name: where).
        self.passing_over: str | None = None
        self.passed_over_blocks: list[str] = []
        self.resumed_after = ""
        self.unsettled: set[str] = set()
        self.enabled: dict[str, str] = {}
        # The registers set before the next run (gpr, cr, fpr N=HEX; pr HEX).
        self.start: dict[str, dict[int, int]] = {"gpr": {}, "cr": {}, "fpr": {}}
        self.start_prefix: int | None = None
        # redtest.rexx's state.
        self.active = True
        self.ifs: list[tuple[bool, bool, bool]] = []    # (previous active, cond, else seen)
        self.testcase = Testcase("<unknown>", "")
        self._begin_case("<unknown>", "")
        self.depth = 0
        self.pgminttr = OS_DEFAULT      # the program interruptions Hercules would log
        self.message_check = ""     # the script's first comparison of a console message

    # -- redtest.rexx's bookkeeping --

    def _begin_case(self, name: str, where: str) -> None:
        self.testcase = Testcase(name, where)
        self.waitseen = False
        self.comparing = False
        self.timeoutok = False
        self.pgmchk = ""
        self.wantpgm = ""
        self.storaddr = "<unknown>"
        self.storbytes: str | None = None
        self.storkey = ""
        self.keyaddr = "<unknown>"
        self.prefix = ""
        self.regs: dict[str, dict[int, str]] = {"gpr": {}, "fpr": {}, "cr": {}}
        self.explain: list[str] = []
        self.case_messages: list[str] = []      # this case's *Message texts
        self.outside = ""       # an operation exception on a HERCULES_S370_ONLY instruction

    def _check(self, ok: bool, where: str, *lines: str) -> None:
        """redtest.rexx's OkayOrNot: count or record one check."""
        if not self.active:
            return
        if ok:
            self.testcase.oks += 1
        else:
            text = f'{where}: Testcase "{self.testcase.name}" [{self.mode}]: ' + \
                "\n    ".join(lines)
            if self.explain:
                text += "\n    " + "\n    ".join(self.explain)
            self.testcase.failures.append(text)
            self.result.failures.append(text)
        self.explain = []

    # -- statements --

    def run_file(self, path: Path) -> Result:
        self.symbols.setdefault("testpath", str(path.parent.resolve()))
        stopped = ""
        try:
            statements = parse_file(path)
            self.message_check = next((f"{st.verb} at {st.where}" for st in statements
                                       if st.verb in ("*Hmsg", "*Error", "*Info")), "")
            self._run_statements(statements)
        except ScriptSkip as e:
            stopped = str(e)
        if not stopped:
            opened = [t for t in self.result.testcases if not t.done]
            for t in opened:
                text = f"{t.where}: *Testcase {t.name} has no *Done"
                self.result.failures.append(text)
        skipped = [f"{t.where}: Testcase \"{t.name}\""
                   f"{' skips itself' if t.skips_itself else ''}: {t.skipped}"
                   for t in self.result.testcases if t.skipped is not None]
        if stopped:
            skipped.append(stopped)
        if skipped:
            self.result.skip = "; ".join(skipped)
        elif not self.result.testcases:
            why = _skipping(self.result.messages)
            if why:
                self.result.skip = f"the script skips itself: {why}"
            else:
                self.result.failures.append(f"{path}:0: no *Testcase ran (and no "
                                            f"*Message SKIPPING: says why)")
        return self.result

    def _run_statements(self, statements: list[Statement]) -> None:
        for st in statements:
            if self.passing_over is not None:
                # The rest of a skipped test case, up to the next one.
                if st.verb in ("*If", "*Else", "*Fi"):
                    self._directive(st)
                    continue
                if st.verb != "*Testcase" or not self.active:
                    if self.active and not st.is_directive:
                        self._pass_over(st)
                    continue
                self._resume(st)
            try:
                if st.is_directive:
                    self._directive(st)
                elif self.active:
                    self._command(st)
            except ScriptSkip as e:
                case = self.testcase
                if case.done or case not in self.result.testcases:
                    raise       # outside a test case: the script stops here
                case.skipped = str(e)
                case.done = True
                self.passing_over = str(e)
                self.passed_over_blocks = []
                if not st.is_directive:
                    self._pass_over(st)

    # -- after a skipped test case --

    def _pass_over(self, st: Statement) -> None:
        """A command of a skipped test case, which is not carried out: Hercules would
        have, so the machine's state after it is not known.  The next test case
        runs only when what it changes is set again before its run: sysclear and
        archlvl 370 (``unsettled``); a facility enabled stays enabled until it is
        disabled (``enabled``); a command that changes what those do not reset
        (``RESUME_BLOCKERS``, a command this runner does not model) keeps the script
        from going on."""
        words = st.rest.split()
        if st.verb == "facility" and len(words) >= 2:
            if words[0].lower() == "enable":
                self.enabled.setdefault(words[1].upper(), st.where)
            elif words[0].lower() == "disable":
                self.enabled.pop(words[1].upper(), None)
        elif st.verb in RESUME_BLOCKERS or st.verb in UNMODELLED:
            self.passed_over_blocks.append(f"{st.verb} at {st.where}")

    def _resume(self, st: Statement) -> None:
        """The next test case after a skipped one (ScriptSkip when it cannot run)."""
        if self.passed_over_blocks:
            raise ScriptSkip(f"{st.where}: the test cases from here on: the skipped test "
                             f"case \"{self.testcase.name}\" has commands not carried out "
                             f"({', '.join(self.passed_over_blocks)}) that would change the "
                             f"machine for them")
        self.resumed_after = self.testcase.name
        self.passing_over = None
        self.unsettled = {"sysclear", "archlvl 370"}

    def _substitute(self, st: Statement) -> str:
        def value(m: re.Match[str]) -> str:
            name = m.group(1) if m.group(1) is not None else m.group(2)
            name = name.split(":-", 1)[0] if m.group(2) is not None else name
            if name in self.symbols:
                return self.symbols[name]
            if name.upper() in self.symbols:
                return self.symbols[name.upper()]
            raise ScriptError(f"{st.where}: undefined symbol {m.group(0)} (defsym)")
        return _SYMBOL.sub(value, st.rest)

    # -- directives (redtest.rexx's DoOrder) --

    def _directive(self, st: Statement) -> None:
        verb, rest = st.verb, st.rest
        if verb == "*If":
            previous = self.active
            cond = evaluate(rest, self.variables, st.where) if previous else False
            self.ifs.append((previous, cond, False))
            self.active = cond and previous
            return
        if verb == "*Else":
            if not self.ifs:
                raise ScriptError(f"{st.where}: *Else without *If")
            previous, cond, seen = self.ifs[-1]
            if seen:
                raise ScriptError(f"{st.where}: a second *Else for one *If")
            self.ifs[-1] = (previous, not cond, True)
            self.active = (not cond) and previous
            return
        if verb == "*Fi":
            if not self.ifs:
                raise ScriptError(f"{st.where}: *Fi without *If")
            self.active = self.ifs.pop()[0]
            return
        if not self.active:
            return
        if verb == "*Testcase":
            if not rest:
                raise ScriptError(f"{st.where}: *Testcase without a name")
            self._begin_case(rest, st.where)
            self.result.testcases.append(self.testcase)
        elif verb == "*Done":
            self._done(st)
        elif verb == "*Compare":
            self.comparing = True
        elif verb == "*Program":
            code = rest.split("#")[0].strip()
            if not re.fullmatch(r"[0-9A-Fa-f]{1,4}", code):
                raise ScriptError(f"{st.where}: *Program {rest}: not an interruption code "
                                  f"(1 to 4 hex digits)")
            self.wantpgm = code.upper()
        elif verb == "*Timeout":
            self.timeoutok = True
        elif verb == "*Explain":
            self.explain.append(rest)
        elif verb == "*Message":
            self.result.messages.append(rest)
            self.case_messages.append(rest)
        elif verb == "*Want":
            self._want(st)
        elif verb in ("*Gpr", "*Fpr", "*Cr"):
            self._want_register(st)
        elif verb == "*Key":
            what = rest.split("#")[0].strip().upper()
            if not re.fullmatch(r"[0-9A-F]{1,2}", what):
                raise ScriptError(f"{st.where}: *Key {rest}: not a key (2 hex digits)")
            if not self.storkey:
                self._check(False, st.where, "No key saved from r/abs command.")
            else:
                self._check(rexx_equal(self.storkey, what), st.where,
                            f"Key {self.keyaddr} compare mismatch.", f"Want: {what}",
                            f"Got:  {self.storkey}")
        elif verb == "*Prefix":
            what = rest.split("#")[0].strip().upper()
            if not self.prefix:
                self._check(False, st.where, "No prefix register saved from pr command.")
            else:
                self._check(rexx_equal(self.prefix, what), st.where,
                            "Prefix register compare mismatch.", f"Want: {what}",
                            f"Got:  {self.prefix}")
        elif verb in ("*Hmsg", "*Error", "*Info"):
            raise ScriptSkip(f"{st.where}: {verb} compares a Hercules console message, "
                             f"which {self.impl.name} does not produce")

    def _done(self, st: Statement) -> None:
        nowait = st.rest.split("#")[0].strip() == "nowait"
        why = _skipping(self.case_messages)
        if why:
            self.testcase.skipped = why
            self.testcase.skips_itself = True
            self.testcase.done = True
            return
        if self.pgmchk or self.wantpgm:
            if self.pgmchk and not self.wantpgm:
                self._check(False, st.where, f"Unexpected pgm type {self.pgmchk}.")
            elif not self.pgmchk and self.wantpgm:
                self._check(False, st.where,
                            f"Expected pgm type {self.wantpgm}, but none happened.")
            else:
                self._check(rexx_equal(self.pgmchk, self.wantpgm), st.where,
                            f"Expected pgm type {self.wantpgm}, but got type {self.pgmchk}.")
        if not nowait and not self.waitseen:
            text = f'{st.where}: Testcase "{self.testcase.name}" [{self.mode}]: ' \
                   f"No wait state encountered."
            self.testcase.failures.append(text)
            self.result.failures.append(text)
        self.testcase.done = True
        if self.outside and self.testcase.failures:
            # The program met an instruction the implementation does not have: what
            # failed is the script's need, not the implementation.
            first = self.testcase.failures[0].split("\n")[0].partition(": ")[2]
            more = len(self.testcase.failures) - 1
            for text in self.testcase.failures:
                self.result.failures.remove(text)
            self.testcase.failures.clear()
            self.testcase.skipped = (
                f"the program executed {self.outside}, an instruction Hercules has in S/370 "
                f"mode beyond the reference's GA22-7000 operation codes: an operation "
                f"exception on {self.impl.name}; then {first.partition(': ')[2]}"
                + (f" (and {more} more failed check(s))" if more else ""))

    def _want(self, st: Statement) -> None:
        rest = st.rest.strip()
        info = ""
        if rest.startswith('"'):
            end = rest.find('"', 1)
            if end < 0:
                raise ScriptError(f"{st.where}: *Want: the description has no closing quote")
            info = rest[:end + 1]
            rest = rest[end + 1:]
        want = rest.split("#")[0].strip()
        if not want or not re.fullmatch(r"[0-9A-Fa-f ]+", want):
            raise ScriptError(f"{st.where}: *Want {st.rest}: the expected data must be hex "
                              f"digits")
        if self.storbytes is None:
            self._check(False, st.where, "No storage display after *Compare to compare with.",
                        f"Want: {want} {info}")
            return
        got = self.storbytes
        ok = rexx_equal(" ".join(got.upper().split()), " ".join(want.upper().split()))
        self._check(ok, st.where, "Storage compare mismatch.",
                    f"Want: {self.storaddr} {want}  {info}".rstrip(),
                    f"Got:  {self.storaddr} {got.strip()}")

    def _want_register(self, st: Statement) -> None:
        kind = st.verb[1:].lower()
        words = st.rest.split("#")[0].split()
        if len(words) != 2 or not re.fullmatch(r"0|[1-9]\d?", words[0]) \
                or not re.fullmatch(r"[0-9A-Fa-f]+", words[1]):
            raise ScriptError(f"{st.where}: {st.verb} {st.rest}: want a register number "
                              f"(decimal, no leading zero) and hex digits")
        number, what = int(words[0]), words[1].upper()
        got = self.regs[kind].get(number, "")
        self._check(rexx_equal(got, what), st.where,
                    f"{st.verb[1:]} {number} compare mismatch.", f"Want: {what}",
                    f"Got:  {got}")

    # -- commands --

    def _command(self, st: Statement) -> None:
        try:
            self._command_of(st)
        except ScriptError as e:
            if self.message_check:
                raise ScriptSkip(f"{e}: the script checks Hercules' console messages "
                                 f"({self.message_check}), which {self.impl.name} does not "
                                 f"produce") from None
            raise

    def _command_of(self, st: Statement) -> None:
        verb = st.verb
        if verb in UNMODELLED:
            raise ScriptSkip(f"{st.where}: the Hercules command {verb!r} is not "
                             f"modelled by this runner")
        args = self._substitute(st)
        words = args.split()
        if verb == "sysclear":
            self._clear()
            self.unsettled.discard("sysclear")
            self.start = {"gpr": {}, "cr": {}, "fpr": {}}
            self.start_prefix = None
        elif verb == "sysreset":
            pass
        elif verb in ("archlvl", "archmode"):
            if not words:
                raise ScriptError(f"{st.where}: {verb} without an architecture")
            if words[0].lower() in _ARCH_370 and len(words) == 1:
                self.s370 = True
                self.unsettled.discard("archlvl 370")
            elif words[0].lower() in ("enable", "disable", "query", "+", "-"):
                raise ScriptSkip(f"{st.where}: {verb} {args}: Hercules facilities are "
                                 f"outside GA22-7000")
            else:
                raise ScriptSkip(f"{st.where}: {verb} {args}: another architecture than "
                                 f"System/370")
        elif verb == "mainsize":
            self._mainsize(st, words)
        elif verb == "numcpu":
            if len(words) != 1 or not words[0].isdigit():
                raise ScriptError(f"{st.where}: numcpu {args}: not a number of CPUs")
            if int(words[0]) != 1:
                raise ScriptSkip(f"{st.where}: numcpu {words[0]}: only one CPU is modelled")
        elif verb == "loadcore":
            self._loadcore(st, args)
        elif verb in ("r", "abs"):
            self._storage_command(st, args)
        elif verb in ("gpr", "cr", "fpr"):
            self._registers(st, verb, args)
        elif verb == "pr":
            if args:
                self._set_prefix(st, args)
            self.prefix = _hex(self._prefix(), 8)
        elif verb in ("f-", "f+"):
            first, last = self._range(st, args, default_length=1)
            for frame in range(first // BLOCK, last // BLOCK + 1):
                if verb == "f-":
                    self.unusable.add(frame)
                else:
                    self.unusable.discard(frame)
        elif verb == "runtest":
            self._runtest(st, words)
        elif verb == "defsym":
            if not words:
                raise ScriptError(f"{st.where}: defsym without a name")
            name = words[0]
            value = args[len(name):].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            self.symbols[name] = value
        elif verb == "script":
            self._include(st, args)
        elif verb == "diag8cmd":
            if not words or words[0].lower() != "disable":
                raise ScriptSkip(f"{st.where}: diag8cmd {args}: Hercules commands issued by "
                                 f"DIAGNOSE X'008' are not modelled")
        elif verb == "ostailor":
            masks = {"quiet": OS_QUIET, "null": OS_NULL, "default": OS_DEFAULT,
                     "none": OS_DEFAULT}
            if len(words) != 1 or words[0].lower() not in masks:
                raise ScriptSkip(f"{st.where}: ostailor {args}: only quiet, null and "
                                 f"default are modelled")
            self.pgminttr = masks[words[0].lower()]
        elif verb == "pgmtrace":
            for word in words:
                m = re.fullmatch(r"([-+]?)([0-9A-Fa-f]{1,2})", word)
                if not m or int(m.group(2), 16) == 0:
                    raise ScriptError(f"{st.where}: pgmtrace {args}: want [-|+]CODE (hex)")
                if m.group(1) == "-":
                    self.pgminttr &= ~_pgmbit(int(m.group(2), 16))
                else:
                    self.pgminttr |= _pgmbit(int(m.group(2), 16))
        elif verb == "facility":
            if len(words) >= 1 and words[0].lower() == "enable":
                if len(words) >= 2:
                    self.enabled.setdefault(words[1].upper(), st.where)
                if len(words) >= 2 and words[1].upper() == "HERC_370_EXTENSION":
                    raise ScriptSkip(f"{st.where}: facility {args}: the script asks for "
                                     f"Hercules' S/370 extension facility (instructions "
                                     f"of later architectures in S/370 mode), outside "
                                     f"GA22-7000")
                raise ScriptSkip(f"{st.where}: facility {args}: a Hercules facility outside "
                                 f"GA22-7000")
            if not words or words[0].lower() not in ("disable", "query", "list"):
                raise ScriptError(f"{st.where}: facility {args}: want enable, disable or "
                                  f"query")
            if words[0].lower() == "disable" and len(words) >= 2:
                self.enabled.pop(words[1].upper(), None)
        # stopall, stop, pause, msglevel, msglvl, panrate, f?: nothing to do.

    def _clear(self) -> None:
        self.storage = bytearray(self.mainsize)
        self.outcome = None
        self.altered = {}
        self.unusable = set()

    def _mainsize(self, st: Statement, words: list[str]) -> None:
        m = re.fullmatch(r"(\d+)([bkmgBKMG]?)", words[0]) if len(words) == 1 else None
        if not m:
            raise ScriptError(f"{st.where}: mainsize {' '.join(words)}: not a size")
        scale = {"": 1 << 20, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
        size = int(m.group(1)) * scale[m.group(2).lower()]
        if size > 16 << 20:
            raise ScriptSkip(f"{st.where}: mainsize of {size} bytes: System/370 addresses "
                             f"at most 16M (24-bit addresses, GA22-7000)")
        self.mainsize = size
        self._clear()

    def _path(self, st: Statement, text: str) -> Path:
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1]
        path = Path(text)
        return path if path.is_absolute() else st.path.parent / path

    def _loadcore(self, st: Statement, args: str) -> None:
        m = re.fullmatch(r"(\"[^\"]*\"|'[^']*'|\S+)(?:\s+([0-9A-Fa-f]+))?", args.strip())
        if not m:
            raise ScriptError(f"{st.where}: loadcore {args}: want FILE [ADDRESS]")
        path = self._path(st, m.group(1))
        address = int(m.group(2), 16) if m.group(2) else 0
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ScriptError(f"{st.where}: loadcore {path}: {e.strerror}") from None
        if address + len(data) > self.mainsize:
            raise ScriptError(f"{st.where}: loadcore {path}: {len(data)} bytes at "
                              f"{address:X} do not fit in storage of {self.mainsize} bytes")
        self._store(address, data)

    def _include(self, st: Statement, args: str) -> None:
        path = self._path(st, args)
        if self.depth >= MAX_INCLUDE_DEPTH:
            raise ScriptError(f"{st.where}: script {path}: included more than "
                              f"{MAX_INCLUDE_DEPTH} deep")
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise ScriptError(f"{st.where}: script {path}: {e.strerror}") from None
        self.depth += 1
        try:
            self._run_statements(parse(text, path))
        finally:
            self.depth -= 1

    # -- storage --

    def _store(self, address: int, data: bytes) -> None:
        if self.outcome is None:
            for i, byte in enumerate(data):
                self.storage[self._real(address + i)] = byte     # prefixing: its own inverse
        else:
            for i, byte in enumerate(data):
                self.altered[address + i] = byte

    def _read(self, address: int, length: int) -> bytes:
        if self.outcome is None:
            return bytes(self.storage[self._real(address + i)] for i in range(length))
        data = bytearray(self.outcome.read(address, length))
        for i in range(length):
            if address + i in self.altered:
                data[i] = self.altered[address + i]
        return bytes(data)

    def _key(self, address: int) -> int:
        frame = address // BLOCK
        key = 0 if self.outcome is None else self.outcome.keys[frame]
        return key | (BADFRM if frame in self.unusable else 0)

    def _range(self, st: Statement, text: str, default_length: int) -> tuple[int, int]:
        m = _RANGE.match(text.strip())
        if not m:
            raise ScriptError(f"{st.where}: {st.verb} {text}: not an address range")
        first = int(m.group(1), 16)
        if m.group(2) == "-":
            last = int(m.group(3), 16)
        elif m.group(2) == ".":
            length = int(m.group(3), 16)
            if length == 0:
                raise ScriptError(f"{st.where}: {st.verb} {text}: length zero")
            last = first + length - 1
        else:
            last = min(first + default_length - 1, self.mainsize - 1)
        if last < first:
            raise ScriptError(f"{st.where}: {st.verb} {text}: the end is before the start")
        if last >= self.mainsize:
            raise ScriptError(f"{st.where}: {st.verb} {text}: beyond storage "
                              f"({self.mainsize:X} bytes)")
        return first, last

    def _storage_command(self, st: Statement, args: str) -> None:
        if "=" in args:
            where, _, data = args.partition("=")
            data = "".join(data.split())
            if data[:1] in ("\"", "'"):
                raise ScriptSkip(f"{st.where}: {st.verb} {args}: altering storage with a "
                                 f"character string is not modelled")
            if not data or len(data) % 2 or not re.fullmatch(r"[0-9A-Fa-f]+", data):
                raise ScriptError(f"{st.where}: {st.verb} {args}: want pairs of hex digits "
                                  f"after =")
            if len(data) > 64:
                raise ScriptError(f"{st.where}: {st.verb} {args}: at most 32 bytes may be "
                                  f"altered")
            if not re.fullmatch(r"[0-9A-Fa-f]+", where.strip()):
                raise ScriptError(f"{st.where}: {st.verb} {args}: not an address")
            first = int(where, 16)
            value = bytes.fromhex(data)
            if first + len(value) > self.mainsize:
                raise ScriptError(f"{st.where}: {st.verb} {args}: beyond storage")
            if st.verb == "abs":
                first = self._real(first)
            self._store(first, value)
            self._display(first, first + len(value) - 1)
            return
        first, last = self._range(st, args, default_length=64)
        self._display(first, last, absolute=st.verb == "abs")

    def _prefix(self) -> int:
        """The prefix: the last run's, or before a run the one it will begin with."""
        if self.outcome is not None:
            return self.outcome.state.prefix if self.outcome.state is not None else 0
        return self.start_prefix or 0

    def _set_prefix(self, st: Statement, args: str) -> None:
        """``pr HEX`` before a run."""
        if not re.fullmatch(r"[0-9A-Fa-f]{1,8}", args):
            raise ScriptError(f"{st.where}: pr {args}: want a prefix in hex")
        value = int(args, 16)
        if value & ~PREFIX_MASK or value + 0x1000 > self.mainsize:
            raise ScriptError(f"{st.where}: pr {args}: the prefix is a 4K frame in "
                              f"storage (bits 8-19)")
        if self.outcome is not None:
            raise ScriptSkip(f"{st.where}: pr {args}: setting the prefix after a run: the "
                             f"next run would need a sysclear, which resets it")
        self.start_prefix = value

    def _real(self, absolute: int) -> int:
        """The real address of an absolute one (prefixing is its own inverse)."""
        prefix = self._prefix()
        if prefix == 0:
            return absolute
        page = absolute & ~0xFFF
        if page == 0:
            return prefix | (absolute & 0xFFF)
        if page == prefix:
            return absolute & 0xFFF
        return absolute

    def _display(self, first: int, last: int, absolute: bool = False) -> None:
        """A storage display, as redtest.rexx keeps it when ``*Compare`` is on: the key
        of the last 2K frame, and the last 16-byte line."""
        if not self.comparing:
            return
        line = last & ~0xF
        groups = []
        for g in range(4):
            text = ""
            for b in range(4):
                a = line + 4 * g + b
                if first <= a <= last:
                    real = self._real(a) if absolute else a
                    text += self._read(real, 1).hex().upper()
                else:
                    text += "  "
            groups.append(text)
        self.storbytes = " ".join(groups)
        self.storaddr = f"{'A' if absolute else 'R'}:{_hex(line, 8)}"
        self.storkey = _hex(self._key(self._real(last) if absolute else last), 2)
        self.keyaddr = _hex(last & ~(BLOCK - 1), 8)

    # -- registers --

    def _registers(self, st: Statement, verb: str, args: str) -> None:
        out = self.outcome
        if args:
            self._set_register(st, verb, args)
        if verb == "fpr":
            if out is not None and out.fpr is None:
                raise ScriptSkip(f"{st.where}: fpr: {self.impl.name} does not report the "
                                 f"floating-point registers")
            values = out.fpr if out is not None and out.fpr is not None else \
                tuple(self.start["fpr"].get(n, 0) for n in FPR_NUMBERS)
            self.regs["fpr"] = {2 * i: _hex(v, 16) for i, v in enumerate(values)}
            return
        current = (out.gpr if verb == "gpr" else out.cr) if out is not None else \
            tuple(self.start[verb].get(i, 0 if verb == "gpr" else RESET_CR.get(i, 0))
                  for i in range(16))
        self.regs[verb] = {i: _hex(v, 8) for i, v in enumerate(current)}

    def _set_register(self, st: Statement, verb: str, args: str) -> None:
        """``gpr``/``cr``/``fpr`` ``N=HEX``: before a run, a register the run begins
        from."""
        m = re.fullmatch(r"(\d+)\s*=\s*([0-9A-Fa-f]+)", args)
        if not m or int(m.group(1)) > 15:
            raise ScriptError(f"{st.where}: {verb} {args}: want N=HEX (N 0-15)")
        number, value = int(m.group(1)), int(m.group(2), 16)
        if verb == "fpr" and number not in FPR_NUMBERS:
            raise ScriptSkip(f"{st.where}: fpr {args}: floating-point register {number} is "
                             f"one of Hercules' additional floating-point registers (AFP); "
                             f"System/370 has registers 0, 2, 4 and 6 (GA22-7000 ch.9)")
        if self.outcome is not None:
            raise ScriptSkip(f"{st.where}: {verb} {args}: setting a register after a run: "
                             f"the next run would need a sysclear, which resets it")
        self.start[verb][number] = value & (MASK64 if verb == "fpr" else 0xFFFFFFFF)

    def _start(self) -> Start:
        """The registers set before the run that differ from their clear-reset
        values."""
        return Start(
            gpr={n: v for n, v in self.start["gpr"].items() if v != 0},
            cr={n: v for n, v in self.start["cr"].items() if v != RESET_CR.get(n, 0)},
            fpr={n: v for n, v in self.start["fpr"].items() if v != 0},
            prefix=self.start_prefix or None)

    # -- the run --

    def _last_program_check(self, out: Outcome, before: bytes) -> None:
        """For an implementation that does not list its interruptions (an adapter
        without the interruptions capability): the last program check, from the
        program old PSW (real 40-47) and the interruption code (BC mode: in that PSW;
        EC mode: real 142-143, GA22-7000 "Program Interruption"), when the run changed
        them."""
        after = out.read(0x28, 8) + out.read(0x8C, 4)
        if after == before[0x28:0x30] + before[0x8C:0x90]:
            return
        old = int.from_bytes(after[:8], "big")
        ec = bool(old & (1 << 51))
        code = int.from_bytes(after[10:12], "big") if ec else (old >> 32) & 0xFFFF
        ilc = (after[9] >> 1) & 3 if ec else (old >> 30) & 3
        self.outside = self.outside or self._outside(out, code, ilc, old)
        if self._logged(code):
            self.pgmchk = _hex(code, 4)

    def _logged(self, code: int) -> bool:
        """Whether Hercules would log this program interruption (cpu.c)."""
        return code & 0xFF != 0 and bool(self.pgminttr & _pgmbit(code & 0xFF))

    @staticmethod
    def _outside(out: Outcome, code: int, ilc: int, old: int) -> str:
        """For an operation exception on an instruction that Hercules has in S/370
        mode and the reference has not (``HERCULES_S370_ONLY``), the instruction and
        its address; else ""."""
        if code & 0xFF != 0x01 or not 1 <= ilc <= 3:
            return ""
        address = ((old & 0xFFFFFF) - 2 * ilc) & 0xFFFFFF
        try:
            text = out.read(address, 2 * ilc).hex().upper()
        except (IndexError, ValueError, OSError):
            return ""
        name = HERCULES_S370_ONLY.get(text[:2]) or HERCULES_S370_ONLY.get(text[:4])
        return f"X'{text}' ({name}) at {address:06X}" if name else ""

    def _runtest(self, st: Statement, words: list[str]) -> None:
        if words and words[0][:1].isalpha():
            how = words.pop(0).lower()
            if how != "restart":
                raise ScriptSkip(f"{st.where}: runtest {how}: only a start by restart is "
                                 f"expressible (a run starts from the restart new PSW)")
        if len(words) > 1 or (words and not _is_number(words[0])):
            raise ScriptError(f"{st.where}: runtest {' '.join(words)}: want "
                              f"[restart] [timeout seconds]")
        if not self.s370:
            raise ScriptSkip(f"{st.where}: runtest before archlvl 370: Hercules' default "
                             f"architecture is z/Arch")
        if self.unsettled:
            raise ScriptSkip(f"{st.where}: runtest: the machine's state is not known after "
                             f"the skipped test case \"{self.resumed_after}\": no "
                             f"{' and no '.join(sorted(self.unsettled))} since")
        if self.enabled:
            name, where = next(iter(self.enabled.items()))
            raise ScriptSkip(f"{st.where}: runtest: Hercules' facility {name} is enabled "
                             f"(facility enable at {where}), outside GA22-7000")
        if self.outcome is not None:
            raise ScriptSkip(f"{st.where}: runtest after a run without sysclear: the run "
                             f"would start from the registers the last one left, which the "
                             f"Implementation protocol cannot set")
        low, high = getattr(self.impl, "storage_range", (0, 16 << 20))
        if not low <= self.mainsize <= high:
            raise ScriptSkip(f"{st.where}: runtest: {self.impl.name} takes storage of "
                             f"{low} to {high} bytes, not the {self.mainsize} of mainsize")
        image = bytes(self.storage).rstrip(b"\0") or bytes(8)
        start = self._start()
        if start.prefix is not None and start.prefix + 0x1000 > self.mainsize:
            raise ScriptError(f"{st.where}: runtest: the prefix {start.prefix:08X} is "
                              f"beyond storage ({self.mainsize:X} bytes)")
        why = start_refusal(self.impl, start, self.mode)
        if why is not None:
            raise ScriptSkip(f"{st.where}: runtest: the registers set before the run "
                             f"({', '.join(start.fields())}): {why}")
        if start:
            impl: Any = self.impl       # takes_start: it has run_from
            out = impl.run_from(image, self.mainsize, self.step_limit, self.mode, start)
        else:
            out = self.impl.run(image, self.mainsize, self.step_limit, self.mode)
        self.result.runs += 1
        self.outcome = out
        self.altered = {}
        if getattr(self.impl, "interruptions", True):
            for kind, code, ilc, old in out.interruptions:
                if kind == "program":
                    self.outside = self.outside or self._outside(out, code, ilc, old)
                    if self._logged(code):
                        self.pgmchk = _hex(code, 4)
        else:
            self._last_program_check(out, bytes(self.storage[:0x90]))
        if out.stop == "disabled-wait":
            self.waitseen = True
            psw = _hex(out.psw, 16)
            right = psw[-6:]
            ok = rexx_equal(right, "0") or (
                psw[-4:] == "DEAD" and self.pgmchk != "" and
                rexx_equal(self.pgmchk, self.wantpgm))
            self._check(ok, st.where, f"Received unexpected wait state: {psw[:8]} {psw[8:]}")
        elif out.stop in ("step-limit", "time-limit", "enabled-wait", "timeout") \
                and not self.timeoutok:
            self._check(False, st.where,
                        f"Testcase timed out in wait ({out.stop} after {out.steps} "
                        f"instructions; PSW {_hex(out.psw, 16)}).")


def run_script(path: Path, impl: Implementation, mode: str,
               step_limit: int = STEP_LIMIT) -> Result:
    """Run the script at ``path`` on ``impl`` in ``mode``; ScriptError when it is
    malformed."""
    return Runner(impl, mode, step_limit).run_file(path)


def scripts(directory: Path) -> Iterator[Path]:
    """The ``.tst`` scripts of a directory, by name."""
    yield from sorted(p for p in directory.iterdir() if p.suffix == ".tst" and p.is_file())



# --- pytest -----------------------------------------------------------------------------

def configure(config: pytest.Config, directory: Path, impl: Implementation,
              modes: tuple[str, ...]) -> None:
    """``--s370-hercules-tests=DIR`` (conformance.plugin): collect the scripts of DIR
    too, whatever else the command line names, one test per mode of ``modes``."""
    if not directory.is_dir():
        raise pytest.UsageError(f"--s370-hercules-tests {directory}: not a directory")
    directory = directory.resolve()
    config.pluginmanager.register(_Collector(directory, impl, modes), "s370-hercules-tests")
    if not any(Path(a.split("::")[0]).resolve() == directory for a in config.args):
        config.args.append(str(directory))


class _Collector:
    def __init__(self, directory: Path, impl: Implementation,
                 modes: tuple[str, ...]) -> None:
        self.directory = directory
        self.impl = impl
        self.modes = modes

    def pytest_collect_file(self, file_path: Path,
                            parent: pytest.Collector) -> pytest.Collector | None:
        if file_path.suffix == ".tst" and file_path.resolve().parent == self.directory:
            return ScriptFile.from_parent(parent, path=file_path, impl=self.impl,
                                          modes=self.modes)
        return None


class ScriptFile(pytest.File):
    """A Hercules test script: one item per mode."""

    def __init__(self, *, impl: Implementation, modes: tuple[str, ...], **kw: Any) -> None:
        super().__init__(**kw)
        self.impl = impl
        self.modes = modes

    def collect(self) -> Iterator[pytest.Item]:
        try:
            parse_file(self.path)
        except ScriptError as e:
            raise self.CollectError(str(e)) from None
        for mode in self.modes:
            yield ScriptItem.from_parent(self, name=mode, impl=self.impl, mode=mode)


class ScriptFailure(Exception):
    """The script's checks failed (the message lists them)."""


class ScriptItem(pytest.Item):
    def __init__(self, *, impl: Implementation, mode: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.impl = impl
        self.mode = mode
        self.add_marker(pytest.mark.conformance)

    def runtest(self) -> None:
        outcome(run_script(self.path, self.impl, self.mode), self.impl.name, self.mode)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, (ScriptFailure, ScriptError, AdapterError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"{self.path.name} [{self.impl.name}, {self.mode}]"


def outcome(result: Result, name: str, mode: str) -> None:
    """The pytest outcome of a script's result: ScriptFailure when a check failed,
    a skip when the script stopped at what cannot be run, else nothing (a pass)."""
    if result.failures:
        passed = f" (passed: {', '.join(result.passed)})" if result.passed else ""
        skipped = f"\nthen skipped: {result.skip}" if result.skip else ""
        raise ScriptFailure(f"{len(result.failures)} failed check(s) on {name}, {mode}"
                            f"{passed}:\n{result.report()}{skipped}")
    if result.skip:
        before = f" (passed: {', '.join(result.passed)})" if result.passed else ""
        pytest.skip(f"{result.skip}{before}")
