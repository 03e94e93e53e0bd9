* ZERO AND ADD (ZAP): sign of zero, overflow, coincident rightmost bytes.
* GA22-7000 ch.8 "Zero and Add": the first operand is not checked for valid codes.
* COMPARE: 0-FFF
*
ZEROANDA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ZEROANDA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ZEROANDA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         ZAP   A1,B1                   -123: CC 1
         BAL   14,REC
         ZAP   A2,B2                   -0 becomes +0: CC 0
         BAL   14,REC
         ZAP   A3,B3                   12345 into 2 bytes: 345, CC 3
         BAL   14,REC
         ZAP   A4,B4                   first operand invalid: not checked
         BAL   14,REC
         ZAP   A5(4),A5+2(2)           rightmost bytes coincide: allowed
         BAL   14,REC
         ZAP   A6,B6                   sign F becomes C: CC 2
         BAL   14,REC
         ZAP   A7,B7                   -12345 into 2 bytes: -345 (overflow), CC 3
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
A1       DC    X'FFFFFFFF'
B1       DC    X'123D'
A2       DC    X'12345C'
B2       DC    X'000D'
A3       DC    X'0000'
B3       DC    X'12345C'
A4       DC    X'ABCDEF'
B4       DC    X'9C'
A5       DC    X'0000789D'
A6       DC    X'00000000'
B6       DC    X'00042F'
A7       DC    X'0000'
B7       DC    X'12345D'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ZEROANDA+X'A00'
LOG      DS    128F                    result log
         ORG   ZEROANDA+X'C00'
PLOG     DS    64F                     interruption log
         END
