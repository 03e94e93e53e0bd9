"""The architecture's constants, in one home: the assigned storage locations of low
storage, the external-interruption codes with their CR0 subclass masks, the CR0
control bits, the control registers' reset values, the timing units, and the
address masks.

Everything here is defined by GA22-7000 (section named beside each group) except
where a comment says the value is this model's choice.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Assigned storage locations (GA22-7000 ch.3 "Assigned Storage Locations")
# ---------------------------------------------------------------------------
RESTART_NEW, RESTART_OLD = 0x00, 0x08
EXTERNAL_OLD, SVC_OLD, PROGRAM_OLD, MCHECK_OLD, IO_OLD = 0x18, 0x20, 0x28, 0x30, 0x38
CSW, CAW, INTERVAL_TIMER = 0x40, 0x48, 0x50
EXTERNAL_NEW, SVC_NEW, PROGRAM_NEW, MCHECK_NEW, IO_NEW = 0x58, 0x60, 0x68, 0x70, 0x78
EXTERNAL_CPU_ADDRESS, EXTERNAL_CODE = 0x84, 0x86
SVC_ILC, SVC_CODE = 0x89, 0x8A
PROGRAM_ILC, PROGRAM_CODE = 0x8D, 0x8E
TRANSLATION_EXCEPTION_ADDRESS = 0x90
MONITOR_CLASS, PER_CODE, PER_ADDRESS, MONITOR_CODE = 0x95, 0x96, 0x98, 0x9C
IO_ADDRESS = 0xBA  # EC mode: the I/O address of an I/O interruption (186-187)
MCHECK_CODE = 0xE8

# ---------------------------------------------------------------------------
# External-interruption codes and their CR0 subclass masks (GA22-7000 ch.6
# "External Interruption"), as (interruption code, CR0 mask bit).  Priority when
# several are pending: first the interval timer and the interrupt key (and
# external signals 2-7, not on this machine), indicated concurrently in one
# interruption code; then, one at a time, emergency signal, external call, clock
# comparator, CPU timer.
# ---------------------------------------------------------------------------
EXT_INTERRUPT_KEY = (0x0040, 0x00000040)
EXT_EMERGENCY_SIGNAL = (0x1201, 0x00004000)
EXT_EXTERNAL_CALL = (0x1202, 0x00002000)
EXT_CLOCK_COMPARATOR = (0x1004, 0x00000800)
EXT_CPU_TIMER = (0x1005, 0x00000400)
EXT_INTERVAL_TIMER = (0x0080, 0x00000080)

# ---------------------------------------------------------------------------
# Control register 0 (GA22-7000 ch.4 "Control Registers"), bit 0 leftmost
# ---------------------------------------------------------------------------
CR0_SSM_SUPPRESSION = 0x40000000          # bit 1: SSM is a special-operation exception
CR0_LOW_ADDRESS_PROTECTION = 0x10000000   # bit 3
CR0_EXTRACTION_AUTHORITY = 0x08000000     # bit 4: EPAR, ESAR, IAC, IPK in problem state
CR0_SECONDARY_SPACE = 0x04000000          # bit 5

# Control-register values after reset (GA22-7000 ch.4 "Control Registers",
# "Initial CPU reset"): CR0 interval-timer, interrupt-key and external-signal
# masks; CR2 all channel masks; CR14 check-stop and synchronous-logout controls;
# CR15 the machine-check extended-logout address 512.
RESET_CR = {0: 0x000000E0, 2: 0xFFFFFFFF, 14: 0xC2000000, 15: 0x00000200}

# ---------------------------------------------------------------------------
# Timing (GA22-7000 ch.4 "Timing")
# ---------------------------------------------------------------------------
TOD_UNITS_PER_US = 1 << 12   # TOD-clock bit 51 is one microsecond
INTERVAL_TIMER_HZ = 300      # bit 23 of the word at location 80 counts down 300 times a second
INTERVAL_TIMER_UNIT = 0x100  # a one in bit position 23 of that word

# ---------------------------------------------------------------------------
# Addresses and values
# ---------------------------------------------------------------------------
MASK24 = 0xFFFFFF            # a 24-bit address wraps at 2**24
MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1
SIGN32 = 0x80000000
SIGN64 = 1 << 63
MAX_STORAGE = 16 * 1024 * 1024   # what 24-bit addresses reach
MIN_STORAGE = 64 * 1024          # this model's smallest storage size
