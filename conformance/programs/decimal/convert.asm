* CONVERT TO BINARY (CVB) and CONVERT TO DECIMAL (CVD): signs, limits, exceptions.
* GA22-7000 ch.7: CVB of a number beyond 31 bits and a sign is a fixed-point-divide exception;
* an invalid code is a data exception.
* COMPARE: 0-FFF
*
CONVERT  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CONVERT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CONVERT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         CVB   1,D1                    12345
         CVB   2,D2                    -12345
         CVB   3,D3                    -2147483648
         CVB   4,D4                    2147483647
         CVB   5,D5                    sign F
         STM   1,5,RES
         L     6,=F'123456789'
         CVD   6,O1
         L     6,=F'-1'
         CVD   6,O2
         SR    6,6
         CVD   6,O3
         L     6,=X'80000000'
         CVD   6,O4
         LA    11,X1
         L     7,=F'-5'
         CVB   7,D6                    2147483648: fixed-point divide
X1       ST    7,RES+20
         LA    11,X2
         L     8,=F'-5'
         CVB   8,D7                    invalid sign: data (suppressed)
X2       ST    8,RES+24
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
D1       DC    X'000000000012345C'
D2       DC    X'000000000012345D'
D3       DC    X'000002147483648D'
D4       DC    X'000002147483647C'
D5       DC    X'000000000000042F'
D6       DC    X'000002147483648C'
D7       DC    X'0000000000000421'
O1       DC    XL8'FF'
O2       DC    XL8'FF'
O3       DC    XL8'FF'
O4       DC    XL8'FF'
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CONVERT+X'A00'
LOG      DS    128F                    result log
         ORG   CONVERT+X'C00'
PLOG     DS    64F                     interruption log
         END
