* MOVE NUMERICS (MVN) and MOVE ZONES (MVZ).
* GA22-7000 ch.7: MVN moves the right four bits of each byte, MVZ the left four.
* COMPARE: 0-FFF
*
MVNMVZ   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MVNMVZ+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MVNMVZ+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVN   F1,SRC
         MVZ   F2,SRC
         MVN   F3+1(5),F3              overlap: right half-bytes propagate
         MVZ   F4(4),SRC+2
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
SRC      DC    X'123456789ABCDEF0'
F1       DC    X'FFFFFFFFFFFFFFFF'
F2       DC    X'0000000000000000'
F3       DC    X'F1C2D3E4F5A6'
F4       DC    X'ABCDEF01'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MVNMVZ+X'A00'
LOG      DS    128F                    result log
         ORG   MVNMVZ+X'C00'
PLOG     DS    64F                     interruption log
         END
