* RESET REFERENCE BIT acts on one 2K block, not on the 4K frame around it.
* GA22-7000 ch.10 "Reset Reference Bit": the CC is set from the reference and change bits of
* the 2K block addressed, and only that block's reference bit is reset.
* COMPARE: 0-2FFF
* KNOWN: H2
*
RESETREF START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   RESETREF+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   RESETREF+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'2000')
         LA    3,X'16'                 key 1, R, C
         SSK   3,2
         L     4,=A(X'2800')
         LA    3,X'10'                 key 1, R0 C0
         SSK   3,4
         RRB   0(4)                    block X'2800': R0 C0, CC 0
         BAL   14,REC
         ISK   5,2                     block X'2000' keeps its reference bit
         ISK   6,4
         STM   5,6,RES
         RRB   0(2)                    block X'2000': R1 C1, CC 3
         BAL   14,REC
         RRB   0(2)                    now R0 C1: CC 1
         BAL   14,REC
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
RES      DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   RESETREF+X'A00'
LOG      DS    128F                    result log
         ORG   RESETREF+X'C00'
PLOG     DS    64F                     interruption log
         END
