* MULTIPLY DECIMAL (MP): products, signs of zero products, specification and data exceptions.
* GA22-7000 ch.8 "Multiply Decimal": L2 at most 8 and less than L1 (else specification);
* the multiplicand needs as many leftmost zero bytes as the multiplier has bytes (else data).
* The sign follows the rules of algebra even for a zero product.
* COMPARE: 0-FFF
*
MULTIPLY START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MULTIPLY+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MULTIPLY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MP    A1,B1                   123 * 45 = 5535
         BAL   14,REC
         MP    A2,B2                   -12 * 12 = -144
         BAL   14,REC
         MP    A3,B3                   -7 * -7 = 49
         BAL   14,REC
         MP    A4,B4                   0 * -5: zero with sign minus
         BAL   14,REC
         MP    A5,B5                   8-byte multiplier, 16-byte multiplicand
         BAL   14,REC
         LA    11,X1
         MP    A6,B6                   L1 = L2: specification
X1       LA    11,X2
         MP    A7,B7                   L2 = 9: specification
X2       LA    11,X3
         MP    A8,B8                   not enough leftmost zeros: data
X3       LA    11,X4
         MP    A9,B9                   invalid multiplier sign: data (suppressed)
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
A1       DC    X'0000123C'
B1       DC    X'045C'
A2       DC    X'0000012D'
B2       DC    X'12C'
A3       DC    X'007D'
B3       DC    X'7D'
A4       DC    X'00000C'
B4       DC    X'5D'
A5       DC    X'00000000000000000000123456789C'
B5       DC    X'000000987654321C'
A6       DC    X'001C'
B6       DC    X'002C'
A7       DC    X'00000000000000000000000000001C'
B7       DC    X'00000000000000001C'
A8       DC    X'0012345C'
B8       DC    X'100C'
A9       DC    X'0000123C'
B9       DC    X'1234'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MULTIPLY+X'A00'
LOG      DS    128F                    result log
         ORG   MULTIPLY+X'C00'
PLOG     DS    64F                     interruption log
         END
