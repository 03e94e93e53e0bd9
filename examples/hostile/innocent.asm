* innocent.asm: a compute loop with a known result, the innocent neighbour of
* the hostile guests of examples/hostile/ (docs/reliability.md).
*
* Sums N + (N-1) + ... + 1 by a BCT loop into RESULT: N (N + 1) / 2, and stops
* in a disabled wait after 3 + 2 N + 2 instructions (N = COUNT = 300,000).
*
*   s370 vmcp examples/hostile/innocent.asm examples/hostile/timer_storm.asm
INNO     START 0
         DC    X'00000000',A(BEGIN)    BC mode, disabled, key 0
         ORG   INNO+X'200'
BEGIN    BALR  12,0
         USING *,12
         SR    2,2
         L     3,COUNT
LOOP     AR    2,3
         BCT   3,LOOP
         ST    2,RESULT
         LPSW  DONE
         DS    0D
DONE     DC    X'00020000',A(0)        BC mode, disabled wait
COUNT    DC    F'300000'
RESULT   DC    F'0'
         END
