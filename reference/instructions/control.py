"""Control instructions (GA22-7000 chapter 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import require_aligned, require_supervisor_state

if TYPE_CHECKING:
    from ..machine import Machine


# ---------------------------------------------------------------------------
# 82 LPSW  LOAD PSW                                              [S]
# The doubleword at D2(B2) becomes the current PSW.  Privileged; the operand
# must be on a doubleword boundary.
# ---------------------------------------------------------------------------
def load_psw(m: Machine, b2: int, d2: int) -> None:
    require_supervisor_state(m)
    addr = m.address(0, b2, d2)
    require_aligned(addr, 8)
    m.load_psw_value(m.fetch_dword(addr))
