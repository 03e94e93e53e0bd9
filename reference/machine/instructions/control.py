"""Control instructions (GA22-7000 chapter 10).

Each function is one instruction, named after the manual, with its opcode,
mnemonic, name and format in the banner above it.  ``m`` is the machine; the
remaining parameters are the instruction's fields in the order of its layout
(``reference.arch.opcodes``).  The PSW's instruction address already points to the next
sequential instruction when a function runs.

The privileged instructions (the rows the opcode table marks privileged) are
executed behind one guard (``reference.machine.instructions.HANDLERS``): in the
problem state the privileged-operation exception is recognized before the function
runs, ahead of every exception of the operands (GA22-7000 ch.6 "Priority of Program
Interruption Conditions").  A function here performs the instruction as in the
supervisor state; the VMCP applies it so to a virtual machine in the virtual
supervisor state.  The semiprivileged instructions (SPKA, IPK, MVCK, MVCP, MVCS)
make their own test, which depends on the PSW-key mask or the extraction-authority
control.

Model-dependent choices of this machine (GA22-7000 leaves them to the model):

- STORE CPU ID stores ``CPU_ID`` = X'00000001 30330000': version code X'00' (a
  native machine, not a virtual one), CPU identification number X'000001', model
  number X'3033' (the model Hercules is configured as in the project's oracle
  recipe), and zeros in bits 48-63 (the length of a machine-check extended
  logout, which this model does not store).
- STORE CPU ADDRESS stores CPU address 0; SIGNAL PROCESSOR knows one CPU, address
  0 (this CPU).  Orders to any other address end with condition code 3 (not
  operational).  Orders to CPU 0: sense (X'01'), external call (X'02'), emergency
  signal (X'03'), start (X'04', no action: the CPU is operating) and restart
  (X'06', a restart interruption becomes pending).  Every other order code,
  including stop, the resets, IMPL and stop-and-store-status, is treated as not
  implemented by this model: status "invalid order" (bit 30) in R1, condition
  code 1.
- DIAGNOSE: the function is named by the second-operand address.  Address 0 is a
  no-operation that sets condition code 0; any other address is a specification
  exception.  R1 and R3 are not used.
- SET CPU TIMER and SET CLOCK COMPARATOR keep only the bits down to bit 51 (the
  bit position that steps once a microsecond on this model, as in the TOD
  clock); the rightmost twelve bits of the operand are ignored and read back as
  zeros (GA22-7000 ch.4 "CPU Timer", "Clock Comparator").
- SET CLOCK always sets the clock (no TOD-clock security switch): condition code 0.
- SET PREFIX requires the whole new 4K prefix area to lie in main storage
  (addressing exception otherwise).  This differs from checking only its first
  byte only on storage sizes that are not a multiple of 4K.
- TEST PROTECTION does not set the reference bit (the manual allows either).
- LOAD CONTROL empties the whole TLB and the decoded-instruction cache (through
  ``Machine.control_changed``).  The architecture does not require the purge: TLB
  entries formed with another translation format or segment-table origin are not
  used anyway, and a TLB entry may disappear at any time, so purging is one of the
  allowed outcomes.
- MOVE WITH KEY, MOVE TO PRIMARY and MOVE TO SECONDARY move left to right one
  byte at a time (the outcome for overlapping operands is that of MVC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference.arch import dat
from reference.arch.interrupts import (
    AddressingException,
    PageTranslation,
    PrivilegedOperation,
    ProtectionException,
    SegmentTranslation,
    SpecialOperation,
    SpecificationException,
)
from reference.arch.lowcore import (
    CR0_EXTRACTION_AUTHORITY,
    CR0_LOW_ADDRESS_PROTECTION,
    CR0_SECONDARY_SPACE,
    CR0_SSM_SUPPRESSION,
    MASK24,
    MASK32,
)
from reference.machine.instructions.common import require_aligned

if TYPE_CHECKING:
    from reference.machine.cpu import CPU

CPU_ID = 0x00000001_30330000
CPU_ADDRESS = 0

# SIGNAL PROCESSOR orders and status bits (GA22-7000 ch.4 "Signal-Processor Orders").
SIGP_SENSE, SIGP_EXTERNAL_CALL, SIGP_EMERGENCY_SIGNAL = 0x01, 0x02, 0x03
SIGP_START, SIGP_RESTART = 0x04, 0x06
STATUS_EXTERNAL_CALL_PENDING = 0x00000080  # bit 24
STATUS_INVALID_ORDER = 0x00000002          # bit 30
EXTERNAL_CALL_CODE, EMERGENCY_SIGNAL_CODE = 0x1202, 0x1201

TIMER_RESOLUTION_MASK = ~0xFFF & 0xFFFFFFFF_FFFFFFFF  # bits 0-51


def _storage_block(m: CPU, reg_value: int) -> int:
    """SSK, ISK: the 2K block named by bits 8-20 of a register, a real address.

    Bits 28-31 must be zero (specification exception); the block must be in
    storage after prefixing (addressing exception).  Returns the block number."""
    if reg_value & 0xF:
        raise SpecificationException("bits 28-31 of the block address not zero")
    return _real_block(m, reg_value)


def _real_block(m: CPU, address: int) -> int:
    """The absolute 2K block number of real ``address`` (bits 8-20)."""
    absolute = m.real_to_absolute(address & 0x00FFF800)
    if absolute >= m.size:
        raise AddressingException(f"block {absolute:06X} beyond storage")
    return absolute >> 11


def _key_allowed_in_problem_state(m: CPU, key: int) -> None:
    """Semiprivileged key use: in the problem state the PSW-key-mask bit for
    ``key`` (CR3 bits 0-15, bit k for key k) must be one, else a
    privileged-operation exception."""
    if m.problem and not (m.cr[3] >> (31 - key)) & 1:
        raise PrivilegedOperation(f"PSW-key-mask bit {key} is zero")


def _aligned_operand(m: CPU, b2: int, d2: int, boundary: int) -> int:
    """The second-operand address D2(B2) of an instruction whose operand must be on
    a ``boundary``-byte boundary: specification exception otherwise, recognized
    before the operand is accessed (GA22-7000 ch.6 "Specification Exception")."""
    addr = m.address(0, b2, d2)
    require_aligned(addr, boundary)
    return addr


def _set_system_mask(m: CPU, mask: int) -> None:
    """Make ``mask`` bits 0-7 of the current PSW (SSM, STNSM, STOSM).

    In the EC mode a one in bit 0 or 2-4 makes the PSW invalid: the early
    specification exception follows with ILC 2 (GA22-7000 ch.6 "Specification
    Exception": "When the exception is introduced by SET SYSTEM MASK or by STORE
    THEN OR SYSTEM MASK, the ILC is 2")."""
    m.set_system_mask(mask)
    if m.psw_invalid_bits:
        m.psw_invalid_ilc = 2


# ---------------------------------------------------------------------------
# 08 SSK   SET STORAGE KEY                                       [RR]
# GA22-7000 ch.10 "Set Storage Key": the key of the 2K block whose real address
# is in bits 8-20 of R2 is replaced by bits 24-30 of R1 (access-control bits,
# fetch-protection bit, reference and change bits).  Bits 28-31 of R2 must be
# zero (specification); the block must be in storage (addressing).  Privileged.
# ---------------------------------------------------------------------------
def set_storage_key(m: CPU, r1: int, r2: int) -> None:
    block = _storage_block(m, m.gpr[r2])
    m.keys[block] = m.gpr[r1] & 0xFE
    m.key_changed(block)  # instruction fetch from the block depends on its key


# ---------------------------------------------------------------------------
# 09 ISK   INSERT STORAGE KEY                                    [RR]
# GA22-7000 ch.10 "Insert Storage Key": the key of the 2K block named by bits
# 8-20 of R2 (a real address) is placed in bits 24-30 of R1, bit 31 zero (EC
# mode); in the BC mode bits 0-4 of the key go to bits 24-28 and bits 29-31 are
# zeros.  Bits 0-23 of R1 are unchanged.  Privileged.
# ---------------------------------------------------------------------------
def insert_storage_key(m: CPU, r1: int, r2: int) -> None:
    block = _storage_block(m, m.gpr[r2])
    key = m.keys[block] & (0xFE if m.ec else 0xF8)
    m.gpr[r1] = (m.gpr[r1] & 0xFFFFFF00) | key


# ---------------------------------------------------------------------------
# 80 SSM   SET SYSTEM MASK                                       [S]
# GA22-7000 ch.10 "Set System Mask": the byte at D2(B2) replaces bits 0-7 of the
# current PSW.  Privileged; in the supervisor state with the SSM-suppression
# control (CR0 bit 1) on, a special-operation exception.  In the EC mode ones in
# bits 0 or 2-4 make the PSW invalid (early specification exception, ILC 2).
# ---------------------------------------------------------------------------
def set_system_mask(m: CPU, b2: int, d2: int) -> None:
    if m.cr[0] & CR0_SSM_SUPPRESSION:
        raise SpecialOperation("SSM suppression")
    _set_system_mask(m, m.fetch_byte(m.address(0, b2, d2)))


# ---------------------------------------------------------------------------
# 82 LPSW  LOAD PSW                                              [S]
# GA22-7000 ch.10 "Load PSW": the doubleword at D2(B2) becomes the current PSW.
# Privileged; the operand must be on a doubleword boundary.  An EC-mode PSW with
# ones in bits 0, 2-4, 17 or 24-39 is loaded as it is; the specification
# exception is recognized early, before the next instruction, with ILC 0.
# ---------------------------------------------------------------------------
def load_psw(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.load_psw_value(m.fetch_dword(addr))


# ---------------------------------------------------------------------------
# 83 DIAG  DIAGNOSE                                              [RS]
# GA22-7000 ch.10 "Diagnose": privileged; what it does is model-dependent.  This
# model: second-operand address 0 is a no-operation setting CC 0; any other
# address is a specification exception (see the module text).
# ---------------------------------------------------------------------------
def diagnose(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    if m.address(0, b2, d2) != 0:
        raise SpecificationException("DIAGNOSE function not provided by this model")
    m.cc = 0


# ---------------------------------------------------------------------------
# AC STNSM STORE THEN AND SYSTEM MASK                            [SI]
# GA22-7000 ch.10: bits 0-7 of the current PSW are stored at D1(B1), then ANDed
# with I2.  Privileged.  Access exceptions suppress (the store comes first).
# ---------------------------------------------------------------------------
def store_then_and_system_mask(m: CPU, i2: int, b1: int, d1: int) -> None:
    m.store(m.address(0, b1, d1), bytes([m.system_mask]))
    _set_system_mask(m, m.system_mask & i2)


# ---------------------------------------------------------------------------
# AD STOSM STORE THEN OR SYSTEM MASK                             [SI]
# GA22-7000 ch.10: bits 0-7 of the current PSW are stored at D1(B1), then ORed
# with I2.  Privileged.  In the EC mode a one reaching bit 0 or 2-4 is an early
# specification exception with ILC 2.
# ---------------------------------------------------------------------------
def store_then_or_system_mask(m: CPU, i2: int, b1: int, d1: int) -> None:
    m.store(m.address(0, b1, d1), bytes([m.system_mask]))
    _set_system_mask(m, m.system_mask | i2)


# ---------------------------------------------------------------------------
# AE SIGP  SIGNAL PROCESSOR                                      [RS]
# GA22-7000 ch.10 "Signal Processor": the order in bits 24-31 of the
# second-operand address is sent to the CPU addressed by bits 16-31 of R3.  CC 0
# order accepted, 1 status stored in R1 (all 32 bits), 2 busy, 3 not operational.
# Privileged.  This model has one CPU, address 0 (see the module text).
# ---------------------------------------------------------------------------
def signal_processor(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    order = m.address(0, b2, d2) & 0xFF
    if m.gpr[r3] & 0xFFFF != CPU_ADDRESS:
        m.cc = 3
        return
    status = 0
    if order == SIGP_SENSE:
        if any(code == EXTERNAL_CALL_CODE for code, _ in m.pending_signals):
            status = STATUS_EXTERNAL_CALL_PENDING
    elif order == SIGP_EXTERNAL_CALL:
        if any(code == EXTERNAL_CALL_CODE for code, _ in m.pending_signals):
            status = STATUS_EXTERNAL_CALL_PENDING
        else:
            m.pending_signals.append((EXTERNAL_CALL_CODE, CPU_ADDRESS))
            m.attention = True
    elif order == SIGP_EMERGENCY_SIGNAL:
        # One emergency-signal condition per sending CPU can be pending.
        if (EMERGENCY_SIGNAL_CODE, CPU_ADDRESS) not in m.pending_signals:
            m.pending_signals.append((EMERGENCY_SIGNAL_CODE, CPU_ADDRESS))
        m.attention = True
    elif order == SIGP_START:
        pass  # the CPU is operating: no action
    elif order == SIGP_RESTART:
        m.pending_restart = True
        m.attention = True
    else:
        status = STATUS_INVALID_ORDER
    if status:
        m.gpr[r1] = status
        m.cc = 1
    else:
        m.cc = 0


# ---------------------------------------------------------------------------
# B1 LRA   LOAD REAL ADDRESS                                     [RX]
# GA22-7000 ch.10 "Load Real Address": D2(X2,B2) is translated with the current
# CR0 and CR1 (CR7 in the EC mode with PSW bit 16 one), without the TLB and
# whatever the PSW's translation mode.  CC 0: the real address in R1 (bits 0-7
# zero); CC 1: segment-table entry invalid, its real address in R1; CC 2:
# page-table entry invalid, its real address in R1; CC 3: segment- or page-table
# length violation, R1 the address of the entry that would have been fetched.
# Translation-specification and addressing exceptions are exceptions.
# Privileged.
# ---------------------------------------------------------------------------
def load_real_address(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    cc, value = dat.load_real_address(m, m.address(x2, b2, d2), m.ec and m.secondary)
    m.gpr[r1] = value & MASK32
    m.cc = cc


# ---------------------------------------------------------------------------
# B6 STCTL STORE CONTROL                                         [RS]
# GA22-7000 ch.10 "Store Control": control registers R1 through R3 (wrapping
# from 15 to 0) are stored at D2(B2), a word boundary.  Privileged.  (Unassigned
# bits: this model stores what was last loaded.)
# ---------------------------------------------------------------------------
def store_control(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 4)
    n = ((r3 - r1) & 15) + 1
    data = b"".join(m.cr[(r1 + i) & 15].to_bytes(4, "big") for i in range(n))
    m.store(addr, data)


# ---------------------------------------------------------------------------
# B7 LCTL  LOAD CONTROL                                          [RS]
# GA22-7000 ch.10 "Load Control": control registers R1 through R3 (wrapping from
# 15 to 0) are loaded from D2(B2), a word boundary.  Privileged.  The new
# contents take effect for the following instructions and interruptions.
# ---------------------------------------------------------------------------
def load_control(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 4)
    n = ((r3 - r1) & 15) + 1
    data = m.fetch(addr, 4 * n)
    for i in range(n):
        m.cr[(r1 + i) & 15] = int.from_bytes(data[4 * i:4 * i + 4], "big")
    m.control_changed()  # translation format, TLB, masks, PER (see module text)


# ---------------------------------------------------------------------------
# B202 STIDP STORE CPU ID                                        [S]
# GA22-7000 ch.10 "Store CPU ID": the CPU identification is stored at D2(B2), a
# doubleword boundary.  Privileged.  The value is ``CPU_ID`` (module text).
# ---------------------------------------------------------------------------
def store_cpu_id(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.store_dword(addr, CPU_ID)


# ---------------------------------------------------------------------------
# B204 SCK   SET CLOCK                                           [S]
# GA22-7000 ch.10 "Set Clock": the TOD clock is set from the doubleword at
# D2(B2), a doubleword boundary; bits to the right of bit 51 are ignored.  CC 0.
# Privileged.
# ---------------------------------------------------------------------------
def set_clock(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.set_tod(m.fetch_dword(addr))
    m.attention = True  # the clock-comparator condition may have changed
    m.cc = 0


# ---------------------------------------------------------------------------
# B206 SCKC  SET CLOCK COMPARATOR                                [S]
# GA22-7000 ch.10: the clock comparator is set from the doubleword at D2(B2), a
# doubleword boundary.  Privileged.  An interruption condition exists while the
# TOD clock is higher than the comparator.
# ---------------------------------------------------------------------------
def set_clock_comparator(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.set_clock_comparator(m.fetch_dword(addr) & TIMER_RESOLUTION_MASK)


# ---------------------------------------------------------------------------
# B207 STCKC STORE CLOCK COMPARATOR                              [S]
# GA22-7000 ch.10: the clock comparator is stored at D2(B2), a doubleword
# boundary.  Privileged.
# ---------------------------------------------------------------------------
def store_clock_comparator(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.store_dword(addr, m.clock_comparator)


# ---------------------------------------------------------------------------
# B208 SPT   SET CPU TIMER                                       [S]
# GA22-7000 ch.10: the CPU timer is set from the doubleword at D2(B2), a
# doubleword boundary.  Privileged.  An interruption condition exists while the
# timer is negative.
# ---------------------------------------------------------------------------
def set_cpu_timer(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.set_cpu_timer(m.fetch_dword(addr) & TIMER_RESOLUTION_MASK)


# ---------------------------------------------------------------------------
# B209 STPT  STORE CPU TIMER                                     [S]
# GA22-7000 ch.10: the current CPU timer value is stored at D2(B2), a doubleword
# boundary.  Privileged.
# ---------------------------------------------------------------------------
def store_cpu_timer(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 8)
    m.store_dword(addr, m.cpu_timer())


# ---------------------------------------------------------------------------
# B20A SPKA  SET PSW KEY FROM ADDRESS                            [S]
# GA22-7000 ch.10: bits 24-27 of the second-operand address (not used to
# address storage) become the PSW key.  Semiprivileged: in the problem state
# the PSW-key-mask bit for the new key (CR3 bits 0-15) must be one, else a
# privileged-operation exception.
# ---------------------------------------------------------------------------
def set_psw_key_from_address(m: CPU, b2: int, d2: int) -> None:
    key = m.address(0, b2, d2) >> 4 & 0xF
    _key_allowed_in_problem_state(m, key)
    m.key = key
    m.psw_changed()  # instruction fetch depends on the PSW key


# ---------------------------------------------------------------------------
# B20B IPK   INSERT PSW KEY                                      [S]
# GA22-7000 ch.10: the PSW key goes to bits 24-27 of general register 2, bits
# 28-31 become zeros, bits 0-23 are unchanged.  Semiprivileged: in the problem
# state the extraction-authority control (CR0 bit 4) must be one, else a
# privileged-operation exception.
# ---------------------------------------------------------------------------
def insert_psw_key(m: CPU, b2: int, d2: int) -> None:
    if m.problem and not m.cr[0] & CR0_EXTRACTION_AUTHORITY:
        raise PrivilegedOperation("extraction-authority control is zero")
    m.gpr[2] = (m.gpr[2] & 0xFFFFFF00) | (m.key << 4)


# ---------------------------------------------------------------------------
# B20D PTLB  PURGE TLB                                           [S]
# GA22-7000 ch.10: all entries of this CPU's TLB are made invalid.  Privileged.
# ---------------------------------------------------------------------------
def purge_tlb(m: CPU, b2: int, d2: int) -> None:
    m.purge_tlb()


# ---------------------------------------------------------------------------
# B210 SPX   SET PREFIX                                          [S]
# GA22-7000 ch.10 "Set Prefix": bits 8-19 of the word at D2(B2), a word
# boundary, become the prefix; bits 0-7 and 20-31 are ignored.  The TLB is
# cleared.  Addressing exception (suppression) if the new prefix area is not in
# storage.  Privileged.
# ---------------------------------------------------------------------------
def set_prefix(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 4)
    prefix = m.fetch_word(addr) & 0x00FFF000  # bits 8-19
    if prefix + 0x1000 > m.size:
        raise AddressingException(f"prefix area {prefix:06X} beyond storage")
    m.prefix = prefix
    m.control_changed()  # TLB and instruction cache: real-to-absolute changed


# ---------------------------------------------------------------------------
# B211 STPX  STORE PREFIX                                        [S]
# GA22-7000 ch.10: the prefix is stored at D2(B2), a word boundary, in bits 8-19
# with zeros in bits 0-7 and 20-31.  Privileged.
# ---------------------------------------------------------------------------
def store_prefix(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 4)
    m.store_word(addr, m.prefix)


# ---------------------------------------------------------------------------
# B212 STAP  STORE CPU ADDRESS                                   [S]
# GA22-7000 ch.10: the CPU address (0 on this model) is stored as a halfword at
# D2(B2), a halfword boundary.  Privileged.
# ---------------------------------------------------------------------------
def store_cpu_address(m: CPU, b2: int, d2: int) -> None:
    addr = _aligned_operand(m, b2, d2, 2)
    m.store_half(addr, CPU_ADDRESS)


# ---------------------------------------------------------------------------
# B213 RRB   RESET REFERENCE BIT                                 [S]
# GA22-7000 ch.10 "Reset Reference Bit": the reference bit of the 2K block named
# by bits 8-20 of the second-operand address (a real address) is set to zero.
# CC from the bits before: 0 R=0 C=0, 1 R=0 C=1, 2 R=1 C=0, 3 R=1 C=1.
# Addressing exception if the block is not in storage.  Privileged.
# ---------------------------------------------------------------------------
def reset_reference_bit(m: CPU, b2: int, d2: int) -> None:
    block = _real_block(m, m.address(0, b2, d2))
    key = m.keys[block]
    m.cc = (key >> 1) & 3   # reference bit (X'04') and change bit (X'02')
    m.keys[block] = key & ~0x04
    m.key_changed(block)  # a fetch from the block must set the bit again


# ---------------------------------------------------------------------------
# B214 SIE   START INTERPRETIVE EXECUTION                        [S]
# This machine's extension (docs/interpretive-execution.md, modelled on 370-XA):
# the second-operand address is the real address of a state description, on a
# 256-byte boundary (specification exception otherwise; addressing exception
# beyond storage).  The guest it describes runs until an interception or until
# the host can be interrupted (reference.machine.interpretive).  Privileged.
# ---------------------------------------------------------------------------
def start_interpretive_execution(m: CPU, b2: int, d2: int) -> None:
    m.start_interpretive_execution(m.address(0, b2, d2))


# ---------------------------------------------------------------------------
# B221 IPTE  INVALIDATE PAGE TABLE ENTRY                         [RRE]
# GA22-7000 ch.10: R1 has the format of a segment-table entry (only the
# page-table origin, bits 8-28, is used), R2 that of a virtual address (only the
# page index is used).  The invalid bit of the designated page-table entry is
# set and the TLB entries formed through it are cleared.  Translation
# specification if CR0 bits 8-12 are invalid; addressing and low-address
# protection for the page-table entry suppress.  Privileged.
# ---------------------------------------------------------------------------
def invalidate_page_table_entry(m: CPU, r1: int, r2: int) -> None:
    fmt = dat.check_format(m)
    pte_addr = dat.page_table_entry_address(fmt, m.gpr[r1] & 0x00FFFFF8, m.gpr[r2] & MASK24)
    pte = int.from_bytes(m.read_real(pte_addr, 2), "big")
    if pte_addr < 512 and m.cr[0] & CR0_LOW_ADDRESS_PROTECTION:
        raise ProtectionException("low-address protection (page-table entry)")
    pte |= dat.PTE_INVALID_4K if fmt.page_shift == 12 else dat.PTE_INVALID_2K
    m.write_real(pte_addr, pte.to_bytes(2, "big"))
    dat.purge_tlb_entries_for_pte(m, pte_addr)
    m.flush_instruction_cache()  # decoded instructions depend on translations


# ---------------------------------------------------------------------------
# D9 MVCK  MOVE WITH KEY                                         [SS]
# GA22-7000 ch.10 "Move with Key": up to 256 bytes move from D2(B2), accessed
# with the key in bits 24-27 of R3, to D1(B1), accessed with the PSW key.  R1
# holds the true length (32 bits unsigned): CC 0 if it is at most 256, else 256
# bytes move and CC 3.  Semiprivileged: in the problem state the PSW-key-mask
# bit for the R3 key must be one (privileged-operation exception otherwise).
# ---------------------------------------------------------------------------
def move_with_key(m: CPU, r1: int, r3: int, b1: int, d1: int, b2: int, d2: int) -> None:
    key = m.gpr[r3] >> 4 & 0xF
    _key_allowed_in_problem_state(m, key)
    _move_between(m, r1, m.address(0, b1, d1), m.key, False,
                  m.address(0, b2, d2), key, False)


# ---------------------------------------------------------------------------
# DA MVCP  MOVE TO PRIMARY                                       [SS]
# GA22-7000 ch.10 "Move to Primary": as MVCK, from D2(B2) in the secondary space
# (key from R3 bits 24-27) to D1(B1) in the primary space (PSW key).  Requires
# DAT on and the secondary-space control (CR0 bit 5), else a special-operation
# exception (in both states); then the key-mask test of the problem state.
# ---------------------------------------------------------------------------
def move_to_primary(m: CPU, r1: int, r3: int, b1: int, d1: int, b2: int, d2: int) -> None:
    if not (m.dat_on and m.cr[0] & CR0_SECONDARY_SPACE):
        raise SpecialOperation("MVCP needs DAT on and the secondary-space control")
    key = m.gpr[r3] >> 4 & 0xF
    _key_allowed_in_problem_state(m, key)
    _move_between(m, r1, m.address(0, b1, d1), m.key, False,
                  m.address(0, b2, d2), key, True)


# ---------------------------------------------------------------------------
# DB MVCS  MOVE TO SECONDARY                                     [SS]
# GA22-7000 ch.10 "Move to Secondary": as MVCP, from D2(B2) in the primary space
# (PSW key) to D1(B1) in the secondary space (key from R3 bits 24-27).
# ---------------------------------------------------------------------------
def move_to_secondary(m: CPU, r1: int, r3: int, b1: int, d1: int, b2: int,
                      d2: int) -> None:
    if not (m.dat_on and m.cr[0] & CR0_SECONDARY_SPACE):
        raise SpecialOperation("MVCS needs DAT on and the secondary-space control")
    key = m.gpr[r3] >> 4 & 0xF
    _key_allowed_in_problem_state(m, key)
    _move_between(m, r1, m.address(0, b1, d1), key, True,
                  m.address(0, b2, d2), m.key, False)


def _move_between(m: CPU, r1: int, addr1: int, key1: int, secondary1: bool,
                  addr2: int, key2: int, secondary2: bool) -> None:
    """MVCK/MVCP/MVCS: move min(true length, 256) bytes; CC 0 or 3.

    A length of zero completes with no access (GA22-7000 ch.10, priority of
    execution: "completion due to length zero" comes before the operand access
    exceptions).  Every byte of both operands is checked before any is stored."""
    true_length = m.gpr[r1]
    n = min(true_length, 256)
    if n:
        m.fetch(addr2, n, key=key2, secondary=secondary2)
        m.check_store(addr1, n, key=key1, secondary=secondary1)
        for i in range(n):
            byte = m.fetch((addr2 + i) & MASK24, 1, key=key2, secondary=secondary2)
            m.store((addr1 + i) & MASK24, byte, key=key1, secondary=secondary1)
    m.cc = 0 if true_length <= 256 else 3


# ---------------------------------------------------------------------------
# E501 TPROT TEST PROTECTION                                     [SSE]
# GA22-7000 ch.10 "Test Protection": the location D1(B1) is tested for
# protection with the access key in bits 24-27 of D2(B2), taking every
# protection mechanism into account (key-controlled, fetch protection, segment
# protection, low-address protection).  CC 0 fetch and store permitted, 1 fetch
# only, 2 neither, 3 translation not available (segment- or page-translation
# condition with DAT on).  Addressing and translation-specification exceptions
# suppress.  Privileged.  Storage and its change bit are not changed.
# ---------------------------------------------------------------------------
def test_protection(m: CPU, b1: int, d1: int, b2: int, d2: int) -> None:
    addr = m.address(0, b1, d1)
    key = m.address(0, b2, d2) >> 4 & 0xF
    protected = False
    if m.dat_on:
        try:
            real, protected = dat.translate(m, addr)
        except (SegmentTranslation, PageTranslation):
            m.cc = 3
            return
    else:
        real = addr
    absolute = m.real_to_absolute(real)
    if absolute >= m.size:
        raise AddressingException(f"address {absolute:06X} beyond storage")
    skey = m.keys[absolute >> 11]
    key_mismatch = key != 0 and skey >> 4 != key
    if key_mismatch and skey & 0x08:
        m.cc = 2
    elif key_mismatch or protected or (addr < 512 and m.cr[0] & CR0_LOW_ADDRESS_PROTECTION):
        m.cc = 1
    else:
        m.cc = 0
