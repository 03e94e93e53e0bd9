* A bubble sort of 16 signed words (C, L, ST, BXLE, BCT).
* A small algorithm: many compares, loads, stores and loop branches.
* COMPARE: 0-FFF
*
BUBBLESO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BUBBLESO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BUBBLESO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    6,4                     increment
         LA    7,SIZE-8                comparand: the last pair
         LA    8,15                    passes
PASS     SR    5,5                     index
INNER    L     2,TAB(5)
         L     3,TAB+4(5)
         CR    2,3
         BNH   NOSWAP
         ST    3,TAB(5)
         ST    2,TAB+4(5)
NOSWAP   BXLE  5,6,INNER
         BCT   8,PASS
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then continue at the address in R11
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         BR    11
*
TAB      DC    F'5,-3,12,0,99,-100,7,7,2147483647,-2147483648,1,2,3,-1,42,8'
SIZE     EQU   *-TAB
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BUBBLESO+X'A00'
LOG      DS    128F                    result log
         ORG   BUBBLESO+X'C00'
PLOG     DS    64F                     interruption log
         END
