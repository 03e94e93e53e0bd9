* DIVIDE DECIMAL (DP): quotient and remainder, signs, decimal-divide and specification exceptions.
* GA22-7000 ch.8 "Divide Decimal": the quotient (sign by algebra) occupies the leftmost L1-L2
* bytes, the remainder (sign of the dividend) the rightmost L2 bytes.
* COMPARE: 0-FFF
*
DIVIDEDE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DIVIDEDE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DIVIDEDE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         DP    A1,B1                   12345 / 12 = 1028 r 9
         BAL   14,REC
         DP    A2,B2                   -12345 / 12 = -1028 r -9
         BAL   14,REC
         DP    A3,B3                   12345 / -12 = -1028 r 9
         BAL   14,REC
         DP    A4,B4                   5 / 7 = 0 r 5
         BAL   14,REC
         LA    11,X1
         DP    A5,B5                   divisor zero: decimal divide
X1       LA    11,X2
         DP    A6,B6                   quotient too large: decimal divide
X2       LA    11,X3
         DP    A7,B7                   L1 = L2: specification
X3       LA    11,X4
         DP    A8,B8                   L2 = 9: specification
X4       DS    0H
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
A1       DC    X'000000000012345C'
B1       DC    X'012C'
A2       DC    X'000000000012345D'
B2       DC    X'012C'
A3       DC    X'000000000012345C'
B3       DC    X'012D'
A4       DC    X'00005C'
B4       DC    X'7C'
A5       DC    X'0000123C'
B5       DC    X'000C'
A6       DC    X'12345C'
B6       DC    X'1C'
A7       DC    X'123C'
B7       DC    X'002C'
A8       DC    X'0000000000000000000123456789012C'
B8       DC    X'00000000000000001C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIVIDEDE+X'A00'
LOG      DS    128F                    result log
         ORG   DIVIDEDE+X'C00'
PLOG     DS    64F                     interruption log
         END
