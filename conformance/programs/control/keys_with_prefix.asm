* SSK, ISK and RRB with prefixing: the block address is real, keys belong to absolute blocks.
* GA22-7000 ch.3 "Prefixing", ch.10: real page 0 is the absolute prefix page and vice versa.
* COMPARE: 0-FFF, 4000-4FFF
* IGNORE: 4050-4053, 400C   the interval timer while the prefix is X'4000'; the restart old PSW's ILC (copied)
*
KEYSWITH START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   KEYSWITH+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   KEYSWITH+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'4000')
         L     3,=A(X'1000')
         SR    4,4
         L     5,=A(X'1000')
         MVCL  2,4                     copy the first 4K to X'4000'
         SPX   PFX
         LA    3,X'70'
         SR    2,2
         SSK   3,2                     real 0: absolute X'4000'
         L     2,=A(X'4000')           real X'4000': absolute 0
         ISK   4,2
         SR    2,2
         ISK   5,2
         L     2,=A(X'4800')
         LA    3,X'50'
         SSK   3,2                     real X'4800': absolute X'800'
         SPX   PFX0
         SR    2,2
         ISK   6,2                     absolute 0 now
         L     2,=A(X'4000')
         ISK   7,2
         L     2,=A(X'800')
         ISK   8,2
         SR    2,2
         SSK   2,2                     back to key 0 (the program's own blocks)
         LA    2,X'800'(0)
         SR    3,3
         SSK   3,2
         L     2,=A(X'4000')
         SSK   3,2
         STM   4,8,RES
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
         DS    0F
PFX0     DC    F'0'
PFX      DC    A(X'4000')
RES      DS    5F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   KEYSWITH+X'A00'
LOG      DS    128F                    result log
         ORG   KEYSWITH+X'C00'
PLOG     DS    64F                     interruption log
         END
