* SUBTRACT DECIMAL (SP): differences, zero results, overflow (mask off).
* GA22-7000 ch.8 "Subtract Decimal".
* COMPARE: 0-FFF
*
SUBTRACT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SUBTRACT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SUBTRACT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SP    A1,B1                   12345 - 678 = 11667: CC 2
         BAL   14,REC
         SP    A2,B2                   100 - 100 = 0: CC 0
         BAL   14,REC
         SP    A3,B3                   -999 - 1: overflow, CC 3
         BAL   14,REC
         SP    A4,B4                   5 - 75 = -70: CC 1
         BAL   14,REC
         SP    A5,A5                   x - x = +0 for a negative x
         BAL   14,REC
         SP    A6,B6                   -3 - -3 = +0
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
A1       DC    X'0012345C'
B1       DC    X'678C'
A2       DC    X'0000100C'
B2       DC    X'100C'
A3       DC    X'999D'
B3       DC    X'1C'
A4       DC    X'00005C'
B4       DC    X'075C'
A5       DC    X'0123456D'
A6       DC    X'003D'
B6       DC    X'3D'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SUBTRACT+X'A00'
LOG      DS    128F                    result log
         ORG   SUBTRACT+X'C00'
PLOG     DS    64F                     interruption log
         END
