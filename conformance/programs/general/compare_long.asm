* COMPARE LOGICAL LONG (CLCL): padding, first difference, register updates.
* GA22-7000 ch.7 "Compare Logical Long": registers point at the first unequal byte.
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
         LA    2,S1
         LA    3,8
         LA    4,S2
         LA    5,8
         CLCL  2,4                     equal: CC 0
         BAL   14,REC
         STM   2,5,RES
         LA    2,S1
         LA    3,8
         LA    4,S3
         LA    5,8
         CLCL  2,4                     differ at byte 5: CC 1
         BAL   14,REC
         STM   2,5,RES+16
         LA    2,S1
         LA    3,8
         LA    4,S4
         L     5,=X'40000005'          pad blank, 5 bytes
         CLCL  2,4                     'ABCDE' + blanks vs 'ABCDEFGH': CC 1
         BAL   14,REC
         STM   2,5,RES+32
         LA    2,S5
         LA    3,5
         LA    4,S1
         L     5,=X'40000008'
         CLCL  2,4                     'ABCDE' + pad vs 'ABCDEFGH': pad X'40' < 'F': CC 1
         BAL   14,REC
         STM   2,5,RES+48
         LA    2,S6
         LA    3,8
         LA    4,S5
         L     5,=X'40000005'
         CLCL  2,4                     'ABCDE   ' vs 'ABCDE' + blanks: CC 0
         BAL   14,REC
         STM   2,5,RES+64
         SR    3,3
         SR    5,5
         CLCL  2,4                     both lengths zero: CC 0
         BAL   14,REC
         LA    2,S7
         LA    3,3
         LA    4,S1
         LA    5,3
         CLCL  2,4                     X'FF..' > 'ABC': CC 2
         BAL   14,REC
         STM   2,5,RES+80
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
S1       DC    C'ABCDEFGH'
S2       DC    C'ABCDEFGH'
S3       DC    C'ABCDExGH'
S4       DC    C'ABCDE'
S5       DC    C'ABCDE'
S6       DC    C'ABCDE   '
S7       DC    X'FFFFFF'
RES      DS    24F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPAREL+X'A00'
LOG      DS    128F                    result log
         ORG   COMPAREL+X'C00'
PLOG     DS    64F                     interruption log
         END
