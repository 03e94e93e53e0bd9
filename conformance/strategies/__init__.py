"""Hypothesis strategies for System/370 conformance testing (public API).

Conventions:

- Every parameter that is ``None`` is drawn; give a value to pin it.  A parameter
  that names a pool (the commands, data addresses or counts a CCW is drawn from)
  takes a list of values or a strategy; ``None`` draws from the widest range.
- A strategy of a whole program returns its assembler source (assemble it with
  ``reference.asm.assembler.assemble``; ``s370 compare`` runs it natively and under
  the VMCP).  Each program is written for ``PROGRAM_STORAGE`` (64K) of storage; the
  storage map of each kind of program is in its module.

By subject:

- ``conformance.strategies.instructions``: one instruction of the opcode table
  (``instructions``; a floating-point one with its register fields from
  ``float_registers``, now and then invalid, and its storage operand in the
  floating-point data at ``FLOAT_DATA``) and state values: ``psw_values``,
  ``control_register_values``, ``storage_keys``, ``float_values`` (floating-point
  registers and operands).
- ``conformance.strategies.programs``: ``guest_programs``, whole guest programs
  that mix privileged, general and floating-point instructions (``FLOATING_POOL``)
  with interruption handlers, the floating-point registers loaded from random
  values.
- ``conformance.strategies.dat``: ``dat_programs``, guests that turn DAT on through
  tables they carry.
- ``conformance.strategies.channel``: channel command words (``ccw`` encodes one;
  ``ccws`` and ``ccw_flags`` draw them; ``define_extent``, ``locate``, ``extents``,
  ``locates``, ``valid_extents`` for a 3370; ``seek_address``, ``record_id``,
  ``count_field`` and ``ckd_chains`` for a CKD disk, ``tape_chains`` for a 3420 tape,
  on the volume and reel ``CKD_TRACKS`` and ``TAPE_BLOCKS``), ``DEVICE_COMMANDS``
  (the command set of each device type, for the coverage report), and
  ``channel_programs``, a guest that starts one channel program on a device of
  ``CHANNEL_DEVICES`` and records its end.

The properties that use them are in ``conformance/test_properties.py`` and
``conformance/test_channel_programs.py``; the unit tests use them too.
"""

from .channel import (
    CHANNEL_DEVICES,
    CHANNEL_DISK_BLOCKS,
    CHANNEL_STORAGE,
    CKD_CYLINDERS,
    CKD_HEADS,
    CKD_TRACKS,
    DEVICE_COMMANDS,
    TAPE_BLOCKS,
    ccw,
    ccw_flags,
    ccws,
    channel_programs,
    ckd_chains,
    count_field,
    define_extent,
    extents,
    locate,
    locates,
    record_id,
    seek_address,
    tape_chains,
    valid_extents,
)
from .dat import dat_programs
from .instructions import (
    CR_POOLS,
    EXTENDED_R1,
    EXTENDED_R2,
    FLOAT_DATA,
    FLOAT_DOUBLEWORDS,
    PROGRAM_STORAGE,
    control_register_values,
    float_registers,
    float_values,
    instructions,
    psw_values,
    storage_keys,
)
from .programs import FLOATING_POOL, GENERAL_POOL, PRIVILEGED_POOL, guest_programs

__all__ = [
    "CHANNEL_DEVICES", "CHANNEL_DISK_BLOCKS", "CHANNEL_STORAGE", "CKD_CYLINDERS", "CKD_HEADS",
    "CKD_TRACKS", "CR_POOLS", "DEVICE_COMMANDS", "EXTENDED_R1", "EXTENDED_R2",
    "FLOATING_POOL", "FLOAT_DATA", "FLOAT_DOUBLEWORDS", "GENERAL_POOL", "PRIVILEGED_POOL",
    "PROGRAM_STORAGE", "TAPE_BLOCKS", "ccw", "ccw_flags", "ccws", "channel_programs",
    "ckd_chains", "control_register_values", "count_field", "dat_programs", "define_extent",
    "extents", "float_registers", "float_values", "guest_programs", "instructions", "locate",
    "locates", "psw_values", "record_id", "seek_address", "storage_keys", "tape_chains",
    "valid_extents",
]
