* COMPARE DECIMAL (CP): algebraic comparison; +0 equals -0.
* GA22-7000 ch.8 "Compare Decimal".
* COMPARE: 0-FFF
*
COMPARED START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   COMPARED+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   COMPARED+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         CP    P0,M0                   +0 = -0: CC 0
         BAL   14,REC
         CP    P123,P124               CC 1
         BAL   14,REC
         CP    P124,P123               CC 2
         BAL   14,REC
         CP    M5,P0                   -5 < 0: CC 1
         BAL   14,REC
         CP    M5,M6                   -5 > -6: CC 2
         BAL   14,REC
         CP    P123,P123F              sign C equals sign F: CC 0
         BAL   14,REC
         CP    LONG,P123               long field, same value: CC 0
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
P0       DC    X'0C'
M0       DC    X'000D'
P123     DC    X'123C'
P124     DC    X'00124C'
P123F    DC    X'00000123F'
M5       DC    X'5D'
M6       DC    X'006D'
LONG     DC    X'000000000000000000000000000123C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPARED+X'A00'
LOG      DS    128F                    result log
         ORG   COMPARED+X'C00'
PLOG     DS    64F                     interruption log
         END
