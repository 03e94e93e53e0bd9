* PACK and UNPACK: zones and digits swapped, truncation and padding, overlap.
* GA22-7000 ch.7 "Pack", "Unpack": no validity checking.
* COMPARE: 0-FFF
*
PACKUNPA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PACKUNPA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PACKUNPA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         PACK  P1,Z1                   F1F2F3F4 -> 01234F
         PACK  P2,Z2                   sign from the zone of the last byte
         PACK  P3,Z1                   two bytes: 234F (truncated on the left)
         PACK  P4,Z3                   not numeric data: packed anyway
         PACK  Z4(4),Z4(4)             same field
         UNPK  U1,K1                   12345C -> F1F2F3F4C5
         UNPK  U2,K1                   3 bytes: F3F4C5
         UNPK  U3,K2                   padding with F0 on the left
         UNPK  U4,K3                   non-decimal codes: unpacked anyway
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
Z1       DC    X'F1F2F3F4'
Z2       DC    X'F9F8D7'
Z3       DC    C'AB?%'
Z4       DC    X'F5F6F7C8'
P1       DC    XL3'FF'
P2       DC    XL3'FF'
P3       DC    XL2'FF'
P4       DC    XL3'FF'
K1       DC    X'12345C'
K2       DC    X'7D'
K3       DC    X'ABCDEF'
U1       DC    XL5'00'
U2       DC    XL3'00'
U3       DC    XL6'00'
U4       DC    XL6'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PACKUNPA+X'A00'
LOG      DS    128F                    result log
         ORG   PACKUNPA+X'C00'
PLOG     DS    64F                     interruption log
         END
