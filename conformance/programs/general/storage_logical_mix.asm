* Storage-to-storage and immediate logical operations: XI, NC, OC, MVN, MVZ, with CCs.
* GA22-7000 ch.7 "And", "Or", "Exclusive Or" (SI and SS forms: CC 0 result zero, 1 not
* zero), "Move Numerics", "Move Zones" (CC unchanged). SS operands are processed left to
* right a byte at a time: with the first operand one byte to the right of the second
* (overlap), each result byte is the second operand's next byte, already changed, so the
* first byte's value propagates (OC, NC, MVN, MVZ).
* COMPARE: 0-FFF
*
STORMIX  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   STORMIX+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   STORMIX+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1
* EXCLUSIVE OR immediate
         XI    B1,X'0F'                X'5A' -> X'55': CC 1
         BAL   14,REC
         XI    B1,X'55'                zero: CC 0
         BAL   14,REC
         XI    B1,X'FF'                X'FF': CC 1
         BAL   14,REC
* AND, OR (SS)
         NC    F1,M1                   X'F0F0F0F0' and X'0F0F0F0F': zero, CC 0
         BAL   14,REC
         NC    F2,M2                   X'12345678' and X'FF00FF00': CC 1
         BAL   14,REC
         OC    F3,F3                   zero with itself: CC 0, unchanged
         BAL   14,REC
         OC    F4,M1                   X'00000001' or X'0F0F0F0F': CC 1
         BAL   14,REC
         OC    P1+1(5),P1              overlap: the first byte propagates
         BAL   14,REC
         NC    P2+1(5),P2              overlap: AND with the byte to the left
         BAL   14,REC
* MOVE NUMERICS, MOVE ZONES (CC unchanged: 1 from the LTR)
         LA    1,1
         LTR   1,1                     CC 2
         MVN   Z1(4),N1                numerics of X'F1F2F3F4' into X'C5C6C7C8'
         MVZ   Z2(4),N1                zones of X'F1F2F3F4' into X'C5C6C7C8'
         MVN   Z3+1(4),Z3              overlap: the first numeric propagates
         MVZ   Z4+1(4),Z4              overlap: the first zone propagates
         BAL   14,REC                  CC still 2
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
DONE     DC    X'0002000000000000'       disabled wait
B1       DC    X'5A'
         DS    0F
F1       DC    X'F0F0F0F0'
F2       DC    X'12345678'
F3       DC    X'00000000'
F4       DC    X'00000001'
M1       DC    X'0F0F0F0F'
M2       DC    X'FF00FF00'
P1       DC    X'81020408102000'
P2       DC    X'7EFFF7FFDF7F00'
N1       DC    X'F1F2F3F4'
Z1       DC    X'C5C6C7C8'
Z2       DC    X'C5C6C7C8'
Z3       DC    X'1A2B3C4D5E6F'
Z4       DC    X'1A2B3C4D5E6F'
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORMIX+X'A00'
LOG      DS    128F                    result log
         ORG   STORMIX+X'C00'
PLOG     DS    64F                     interruption log
         END
