* privileged_storm.asm: a hostile guest.  SSM, ISK, SSK, STPT and LPSW (the
* privileged-heavy loop of `s370 bench --under vmcp`), for ever.
H        START 0
         DC    X'00000000',A(BEGIN)
         ORG   H+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    3,X'800'
LOOP     SSM   ZERO
         ISK   2,3
         SSK   2,3
         STPT  TIMER
         LPSW  AGAIN
         DS    0D
AGAIN    DC    X'00000000',A(LOOP)
TIMER    DS    D
ZERO     DC    X'00'
         END
