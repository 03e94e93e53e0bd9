* Binary to printable hexadecimal with UNPK and TR, and back with PACK and TR.
* A small algorithm: the classic UNPK/TR conversion of a word to eight hex characters.
* COMPARE: 0-FFF
*
HEXCONVE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   HEXCONVE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   HEXCONVE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LM    2,3,WORDS
         ST    2,WORK
         UNPK  HEX1(9),WORK(5)         one byte too many: the sign byte is junk
         TR    HEX1(8),HEXTAB-240
         ST    3,WORK
         UNPK  HEX2(9),WORK(5)
         TR    HEX2(8),HEXTAB-240
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
WORDS    DC    X'0123ABCD',X'FEDCBA98'
WORK     DS    F
         DC    X'00'
HEX1     DS    CL9
HEX2     DS    CL9
         DS    0H
         DC    CL240' '
HEXTAB   DC    C'0123456789ABCDEF'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   HEXCONVE+X'A00'
LOG      DS    128F                    result log
         ORG   HEXCONVE+X'C00'
PLOG     DS    64F                     interruption log
         END
