* UNPACK and PACK with overlapping operands: processed right to left, byte by byte.
* GA22-7000 ch.7 "Pack", "Unpack": the operands are processed right to left; overlapping
* fields give the results of that order.
* COMPARE: 0-FFF
*
UNPACKOV START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   UNPACKOV+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   UNPACKOV+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         UNPK  F1(5),F1+2(3)           source in the rightmost bytes of the result
         PACK  F2(3),F2+1(5)           source overlapping to the right
         UNPK  F3+1(4),F3(2)           source to the left
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
F1       DC    X'AABB12345C'
F2       DC    X'F1F2F3F4F5C6'
F3       DC    X'123DEEEEEE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   UNPACKOV+X'A00'
LOG      DS    128F                    result log
         ORG   UNPACKOV+X'C00'
PLOG     DS    64F                     interruption log
         END
