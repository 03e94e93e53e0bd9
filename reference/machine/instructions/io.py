"""Input/output instructions (GA22-7000 chapter 13).

Each function is one instruction, named after the manual, with its opcode,
mnemonic, name and format in the banner above it.  ``m`` is the machine; the
remaining parameters are the instruction's fields in the order of its layout
(``reference.arch.opcodes``): the S format's base register and displacement.

All eight are privileged: in the problem state the privileged-operation exception
is recognized before a function here runs (``reference.machine.instructions``,
``HANDLERS``).  Bits 16-23 of the second-operand address name the channel and bits
24-31 the device; bits 8-15 are ignored.  (For TEST CHANNEL and STORE CHANNEL ID
bits 24-31 are ignored too.)  The instructions hand their work to
the machine's channel subsystem (``reference.io.channel``), which stores the CSW at
real location 64 when the condition code is 1.  On a machine configured without
channels every address is not operational: condition code 3.

Opcodes 9C-9F select by bit 15 only (bits 8-14 are ignored), so for instance
X'9C02' is START I/O and X'9C03' START I/O FAST RELEASE.

Model-dependent: START I/O FAST RELEASE is executed as START I/O, as the
architecture allows ("START I/O FAST RELEASE ... may be executed as START I/O").
HALT DEVICE acts as HALT I/O: every device has a subchannel of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reference.machine.cpu import CPU


class _WithoutChannels:
    """The channel subsystem of a machine configured without channels: every
    channel and device is not operational, condition code 3."""

    def start_io(self, address: int) -> int:
        return 3

    test_io = clear_io = halt_io = test_channel = store_channel_id = start_io


_WITHOUT_CHANNELS = _WithoutChannels()


def _channels(m: CPU) -> Any:
    """The machine's channel subsystem (a ``reference.io.channel.ChannelSubsystem``),
    or ``_WITHOUT_CHANNELS``."""
    channels = m.channels
    return _WITHOUT_CHANNELS if channels is None else channels


def _device(m: CPU, b2: int, d2: int) -> int:
    """The channel and device named by bits 16-31 of the second-operand address."""
    return m.address(0, b2, d2) & 0xFFFF


def _channel(m: CPU, b2: int, d2: int) -> int:
    """The channel named by bits 16-23 of the second-operand address."""
    return (m.address(0, b2, d2) >> 8) & 0xFF


def _done(m: CPU, cc: int) -> None:
    """Set the condition code the channel subsystem answered.  The channel may have
    made a condition pending or scheduled an event: the execution loop looks again
    before the next instruction."""
    m.cc = cc
    m.attention = True


# ---------------------------------------------------------------------------
# 9C00 SIO   START I/O                                           [S]
# GA22-7000 ch.13 "Start I/O": the channel fetches the CAW (real location 72:
# key, command address) and initiates the first command at the addressed device.
# CC 0: initiated; CC 1: CSW stored (programming error in the CAW or first CCW,
# command rejected, immediate operation ended, interruption condition in the
# device cleared with busy); CC 2: subchannel busy or interruption pending in it;
# CC 3: not operational.  Privileged.
# ---------------------------------------------------------------------------
def start_io(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).start_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9C01 SIOF  START I/O FAST RELEASE                              [S]
# GA22-7000 ch.13 "Start I/O Fast Release": as START I/O, except that the
# channel may release the CPU before the device is selected.  This model
# executes it as START I/O (allowed by the manual).  Privileged.
# ---------------------------------------------------------------------------
def start_io_fast_release(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).start_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9D00 TIO   TEST I/O                                            [S]
# GA22-7000 ch.13 "Test I/O": the state of the channel, subchannel and device.
# CC 0: available; CC 1: CSW stored (an interruption condition, which is
# cleared); CC 2: subchannel working; CC 3: not operational.  Privileged.
# ---------------------------------------------------------------------------
def test_io(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).test_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9D01 CLRIO CLEAR I/O                                           [S]
# GA22-7000 ch.13 "Clear I/O": an interruption condition pending in the
# subchannel is cleared, or the operation in progress at the subchannel is
# terminated and the subchannel made available; CC 1 with the CSW stored.
# CC 0: subchannel available (no action); CC 3: not operational.  Privileged.
# ---------------------------------------------------------------------------
def clear_io(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).clear_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9E00 HIO   HALT I/O                                            [S]
# GA22-7000 ch.13 "Halt I/O": the operation at the addressed device is
# terminated.  CC 0: interruption pending in the subchannel (no action); CC 1:
# the status portion of the CSW stored (the device was signaled; a terminated
# operation then presents its ending status as an interruption condition);
# CC 3: not operational.  Privileged.
# ---------------------------------------------------------------------------
def halt_io(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).halt_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9E01 HDV   HALT DEVICE                                         [S]
# GA22-7000 ch.13 "Halt Device": as HALT I/O, but without affecting a subchannel
# working with another device.  With a subchannel per device (this model) it
# acts exactly as HALT I/O.  Privileged.
# ---------------------------------------------------------------------------
def halt_device(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).halt_io(_device(m, b2, d2)))


# ---------------------------------------------------------------------------
# 9F00 TCH   TEST CHANNEL                                        [S]
# GA22-7000 ch.13 "Test Channel": the state of the channel named by bits 16-23.
# CC 0: available; CC 1: interruption pending in the channel; CC 2: channel
# working in burst mode (never on this model); CC 3: not operational.  Nothing
# is stored and no condition is cleared.  Privileged.
# ---------------------------------------------------------------------------
def test_channel(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).test_channel(_channel(m, b2, d2)))


# ---------------------------------------------------------------------------
# B203 STIDC STORE CHANNEL ID                                    [S]
# GA22-7000 ch.13 "Store Channel ID": the channel ID word of the channel named by
# bits 16-23 is stored at real location 168: bits 0-3 the channel type (0000
# selector, 0001 byte multiplexer, 0010 block multiplexer), bits 4-15 the model
# (zero here), bits 16-31 the length of the I/O extended logout (zero).  CC 0:
# stored; CC 3: not operational.  Privileged.
# ---------------------------------------------------------------------------
def store_channel_id(m: CPU, b2: int, d2: int) -> None:
    _done(m, _channels(m).store_channel_id(_channel(m, b2, d2)))
