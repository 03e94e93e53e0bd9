* EXECUTE details: OR into the length of SS instructions, EX of TRT and CLC, R1 bits 0-23 ignored.
* GA22-7000 ch.7 "Execute": only bits 24-31 of R1 are ORed into bits 8-15 of the target.
* COMPARE: 0-FFF
*
EXECUTED START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXECUTED+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXECUTED+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'FFFFFF03'          only X'03' is used
         EX    1,MOVE                  MVC length 3 (4 bytes)
         LA    1,X'22'
         EX    1,PACKIT                PACK L1=2, L2=2 (3 bytes each)
         LA    1,2
         EX    1,COMPARE               CLC 3 bytes: equal
         BAL   14,REC
         LA    1,7
         L     2,=X'CCCCCCCC'
         EX    1,SCAN                  TRT 8 bytes
         BAL   14,REC
         STM   1,2,RES
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
MOVE     MVC   T1(0),S1
PACKIT   PACK  T2(0),S2(0)
COMPARE  CLC   S1(0),S3
SCAN     TRT   S1(0),TAB
S1       DC    C'ABC,DEFG'
S2       DC    X'F1F2C3'
S3       DC    C'ABCX'
T1       DC    8C'.'
T2       DC    XL4'00'
RES      DS    2F
TAB      DC    256X'00'
         ORG   TAB+X'6B'
         DC    X'11'
         ORG   TAB+256
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXECUTED+X'A00'
LOG      DS    128F                    result log
         ORG   EXECUTED+X'C00'
PLOG     DS    64F                     interruption log
         END
