* timer_storm.asm: a hostile guest.  Its CPU timer is set to zero again at each
* of its interruptions: an external interruption after every instruction or two,
* for ever.
H        START 0
         DC    X'00080000',A(BEGIN)       EC mode, disabled
         ORG   H+X'58'
         DC    X'00080000',A(TICK)        external new PSW: EC, disabled
         ORG   H+X'200'
BEGIN    BALR  12,0
         USING *,12
         LCTL  0,0,CR0                    the CPU-timer subclass mask on
         SPT   ZERO
         SSM   ON                         external interruptions enabled
LOOP     B     LOOP
TICK     SPT   ZERO
         LPSW  X'18'                      back to the interrupted loop
         DS    0D
ZERO     DC    D'0'
CR0      DC    X'000004E0'
ON       DC    X'01'
         END
