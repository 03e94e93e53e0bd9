* CVB and CVD details: negative zero, every sign code, unaligned operands.
* GA22-7000 ch.7: CVB accepts signs A-F; CVD produces C or D. The operands need no alignment.
* COMPARE: 0-FFF
*
CONVERTD START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CONVERTD+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CONVERTD+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         CVB   1,D1                    -0: 0
         CVB   2,D2                    sign A
         CVB   3,D3                    sign B: negative
         CVB   4,D4                    sign E
         CVB   5,D5+1                  unaligned
         STM   1,5,RES
         L     6,=F'-2147483648'
         CVD   6,O1+3                  unaligned
         L     6,=F'2147483647'
         CVD   6,O2
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
         DS    0D
D1       DC    X'000000000000000D'
D2       DC    X'000000000000123A'
D3       DC    X'000000000000123B'
D4       DC    X'000000000000123E'
D5       DC    X'00000000000000007F'
RES      DS    5F
O1       DC    XL11'FF'
O2       DC    XL8'FF'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CONVERTD+X'A00'
LOG      DS    128F                    result log
         ORG   CONVERTD+X'C00'
PLOG     DS    64F                     interruption log
         END
