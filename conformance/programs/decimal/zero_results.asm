* Zero results of decimal arithmetic: signs of zero sums, products and quotients.
* GA22-7000 ch.8: a zero sum or difference is positive (no overflow); the product's and the
* quotient's signs follow the rules of algebra even when zero; the remainder has the
* dividend's sign.
* COMPARE: 0-FFF
*
ZERORESU START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ZERORESU+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ZERORESU+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         AP    A1,B1                   -0 + -0 = +0
         BAL   14,REC
         SP    A2,B2                   -5 - -5 = +0
         BAL   14,REC
         DP    A3,B3                   0 / -5: quotient -0, remainder +0
         BAL   14,REC
         DP    A4,B4                   -0 / 5: quotient -0, remainder -0
         BAL   14,REC
         DP    A5,B5                   -3 / 7: quotient -0, remainder -3
         BAL   14,REC
         MP    A6,B6                   -0 * -0 = +0
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
A1       DC    X'000D'
B1       DC    X'0D'
A2       DC    X'005D'
B2       DC    X'5D'
A3       DC    X'0000000C'
B3       DC    X'5D'
A4       DC    X'0000000D'
B4       DC    X'5C'
A5       DC    X'0000003D'
B5       DC    X'7C'
A6       DC    X'00000D'
B6       DC    X'0D'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ZERORESU+X'A00'
LOG      DS    128F                    result log
         ORG   ZERORESU+X'C00'
PLOG     DS    64F                     interruption log
         END
