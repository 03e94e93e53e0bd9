* A 32-bit additive checksum with carries folded back (AL, BC on carry, SRDL).
* A small algorithm: logical adds and condition-code tests of the carry.
* COMPARE: 0-FFF
*
CHECKSUM START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CHECKSUM+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CHECKSUM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1
         LA    2,DATA
         LA    3,NWORDS
LOOP     AL    1,0(0,2)
         BC    12,NOCARRY              CC 0 or 1: no carry
         AL    1,=F'1'                 end-around carry
NOCARRY  LA    2,4(0,2)
         BCT   3,LOOP
         ST    1,RES
         SR    4,4
         LR    5,1
         SRDL  4,16
         SRL   5,16
         ALR   4,5
         ST    4,RES+4
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
DATA     DC    X'FFFFFFFF',X'80000000',X'80000001',X'12345678',X'9ABCDEF0'
         DC    X'00000001',X'FFFFFFFE',X'7FFFFFFF',X'DEADBEEF',X'01020304'
NWORDS   EQU   (*-DATA)/4
RES      DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CHECKSUM+X'A00'
LOG      DS    128F                    result log
         ORG   CHECKSUM+X'C00'
PLOG     DS    64F                     interruption log
         END
