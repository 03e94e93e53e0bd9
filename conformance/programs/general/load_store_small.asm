* IC, STC, LH, STH, LA: bytes, halfwords (sign extension), 24-bit addresses.
* GA22-7000 ch.7.
* COMPARE: 0-FFF
*
LOADSTOR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOADSTOR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOADSTOR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'FFFFFFFF'
         IC    1,BYTE                  only bits 24-31 replaced
         ST    1,RES
         L     2,=X'12345678'
         STC   2,OUT                   X'78'
         LH    3,HNEG                  X'FFFF8001'
         LH    4,HPOS                  X'00007FFF'
         STM   3,4,RES+4
         STH   2,OUT+2                 X'5678'
         L     5,=X'FFFFFFF0'
         LA    6,X'20'(0,5)            24-bit sum: X'00000010'
         L     7,=X'00FFFFFF'
         LA    8,1(7,0)                wraps to 0
         LA    9,4095(7,7)             X'00000FFD'
         STM   6,9,RES+12
         LA    1,1
         LTR   1,1
         LA    1,0                     CC unchanged (2)
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
BYTE     DC    X'9C'
HNEG     DC    X'8001'
HPOS     DC    X'7FFF'
OUT      DC    8X'00'
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADSTOR+X'A00'
LOG      DS    128F                    result log
         ORG   LOADSTOR+X'C00'
PLOG     DS    64F                     interruption log
         END
