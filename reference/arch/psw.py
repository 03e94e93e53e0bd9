"""The program-status word in BC and EC mode (GA22-7000 ch.4 "Program-Status Word").

BC mode (bit 12 zero)::

    0-7   system mask: 0-5 channel masks 0-5, 6 mask for channels 6 and up, 7 external
    8-11  protection key          13 machine-check mask   14 wait   15 problem state
    16-31 interruption code       32-33 ILC   34-35 condition code   36-39 program mask
    40-63 instruction address

EC mode (bit 12 one)::

    0 zero   1 PER mask (R)   2-4 zero   5 translation mode (T)   6 I/O mask   7 external
    8-11 key   12 one   13 M   14 W   15 P   16 address-space control (S, secondary)
    17 zero   18-19 condition code   20-23 program mask   24-39 zero
    40-63 instruction address

A PSW that breaks these rules (an EC-mode PSW with a one in bit 0, 2-4, 17 or
24-39) is invalid: loading it succeeds, and the specification exception is
recognized before the next instruction executes ("early" exception, ILC 0;
GA22-7000 ch.6 "Exceptions Associated with the PSW").
"""

from __future__ import annotations

from dataclasses import dataclass

# A PSW's fields as a tuple, in the order ``PSW`` declares them.
PSWFields = tuple[int, int, bool, bool, bool, bool, bool, int, int, int, int, int, int]

# bits 0, 2-4, 17 and 24-39 of an EC-mode PSW
EC_MUST_BE_ZERO = (1 << 63) | (0b111 << 59) | (1 << 46) | (0xFFFF << 24)


@dataclass
class PSW:
    """The fields of a PSW.  ``ec`` selects the mode; BC-only fields keep their
    values in EC mode as zero and vice versa."""

    system_mask: int = 0   # bits 0-7 as they stand in the PSW
    key: int = 0
    ec: bool = False
    machine_check: bool = False
    wait: bool = False
    problem: bool = False
    secondary: bool = False  # EC bit 16
    interruption_code: int = 0  # BC bits 16-31
    ilc: int = 0  # BC bits 32-33
    cc: int = 0
    program_mask: int = 0
    address: int = 0
    invalid_bits: int = 0  # EC-mode bits that must be zero but are not

    def as_tuple(self) -> PSWFields:
        """The fields in the order they are declared."""
        return (self.system_mask, self.key, self.ec, self.machine_check, self.wait,
                self.problem, self.secondary, self.interruption_code, self.ilc, self.cc,
                self.program_mask, self.address, self.invalid_bits)

    def to_int(self) -> int:
        v = (self.system_mask << 56) | (self.key << 52) | (self.machine_check << 50)
        v |= (self.wait << 49) | (self.problem << 48) | self.address
        if self.ec:
            v |= (1 << 51) | (self.secondary << 47) | (self.cc << 44)
            v |= (self.program_mask << 40) | self.invalid_bits
        else:
            v |= (self.interruption_code << 32) | (self.ilc << 30) | (self.cc << 28)
            v |= self.program_mask << 24
        return v

    @classmethod
    def from_int(cls, v: int) -> PSW:
        ec = bool(v >> 51 & 1)
        p = cls(system_mask=v >> 56, key=v >> 52 & 15, ec=ec,
                machine_check=bool(v >> 50 & 1), wait=bool(v >> 49 & 1),
                problem=bool(v >> 48 & 1), address=v & 0xFFFFFF)
        if ec:
            p.secondary = bool(v >> 47 & 1)
            p.cc = v >> 44 & 3
            p.program_mask = v >> 40 & 15
            p.invalid_bits = v & EC_MUST_BE_ZERO
        else:
            p.interruption_code = v >> 32 & 0xFFFF
            p.ilc = v >> 30 & 3
            p.cc = v >> 28 & 3
            p.program_mask = v >> 24 & 15
        return p


def fields_of(value: int) -> PSWFields:
    """The fields of the PSW whose 64 bits are ``value`` (``PSW.from_int``), kept
    for the values seen most recently: a CPU loads the same PSWs again and again
    (the new PSWs of its interruptions, the operands of LOAD PSW)."""
    fields = _FIELDS.get(value)
    if fields is None:
        if len(_FIELDS) >= _FIELDS_KEPT:
            _FIELDS.clear()
        fields = _FIELDS[value] = PSW.from_int(value).as_tuple()
    return fields


_FIELDS: dict[int, PSWFields] = {}
_FIELDS_KEPT = 4096
