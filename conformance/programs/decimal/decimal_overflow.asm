* Decimal overflow with the mask on (code X'000A'): the operation is completed.
* GA22-7000 ch.6 "Decimal-Overflow Exception"; the mask is PSW bit 37 (BC mode).
* COMPARE: 0-FFF
*
DECIMALO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DECIMALO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DECIMALO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'04000000'          decimal-overflow mask only
         SPM   1
         LA    11,X1
         AP    A1,B1                   999 + 1: overflow, result 000 stored
X1       LA    11,X2
         SP    A2,B2                   overflow negative
X2       LA    11,X3
         ZAP   A3,B3                   overflow
X3       LA    11,X4
         SRP   A4,2,0                  left shift overflow
X4       LA    11,X5
         AP    A5,B5                   no overflow: no interruption
X5       BAL   14,REC
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
A1       DC    X'999C'
B1       DC    X'1C'
A2       DC    X'999D'
B2       DC    X'2C'
A3       DC    X'000C'
B3       DC    X'12345C'
A4       DC    X'123C'
A5       DC    X'001C'
B5       DC    X'1C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DECIMALO+X'A00'
LOG      DS    128F                    result log
         ORG   DECIMALO+X'C00'
PLOG     DS    64F                     interruption log
         END
