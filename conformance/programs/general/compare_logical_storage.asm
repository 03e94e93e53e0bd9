* COMPARE LOGICAL (CLI, CLC): byte strings compared left to right, unsigned.
* GA22-7000 ch.7 "Compare Logical".
* COMPARE: 0-FFF
*
COMPAREL START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   COMPAREL+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   COMPAREL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         CLI   STR1,C'A'               equal: CC 0
         BAL   14,REC
         CLI   STR1,X'F0'              X'C1' < X'F0': CC 1
         BAL   14,REC
         CLI   STR1+1,X'01'            CC 2
         BAL   14,REC
         CLC   STR1,STR2               'ABCD' < 'ABCE': CC 1
         BAL   14,REC
         CLC   STR2,STR1               CC 2
         BAL   14,REC
         CLC   STR1(3),STR2            first 3 equal: CC 0
         BAL   14,REC
         CLC   BIG(256),BIG2           256 bytes equal: CC 0
         BAL   14,REC
         MVI   BIG2+255,X'01'
         CLC   BIG(256),BIG2           last byte X'00' < X'01': CC 1
         BAL   14,REC
         CLC   HI,LO                   X'80' > X'7F' (unsigned): CC 2
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
STR1     DC    C'ABCD'
STR2     DC    C'ABCE'
HI       DC    X'80'
LO       DC    X'7F'
BIG      DC    256X'00'
BIG2     DC    256X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPAREL+X'A00'
LOG      DS    128F                    result log
         ORG   COMPAREL+X'C00'
PLOG     DS    64F                     interruption log
         END
