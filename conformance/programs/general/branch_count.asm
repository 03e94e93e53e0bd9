* BRANCH ON COUNT (BCT, BCTR): loop counts, zero and negative counts, R2 = 0.
* GA22-7000 ch.7 "Branch on Count".
* COMPARE: 0-FFF
*
BRANCHCO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BRANCHCO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BRANCHCO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1
         LA    2,10
L1       LA    1,3(0,1)
         BCT   2,L1                    10 times: R1 = 30
         ST    1,RES
         SR    1,1
         LA    2,1
         BCT   2,BAD                   1 - 1 = 0: no branch
         LA    3,L2
         LA    2,5
L2       LA    1,1(0,1)
         BCTR  2,3                     5 times
         ST    1,RES+4
         L     2,=F'-3'
         BCTR  2,0                     decrement only: -4
         ST    2,RES+8
         SR    2,2
         BCTR  2,0                     0 - 1 = -1
         ST    2,RES+12
         L     2,=X'80000000'
         BCT   2,NEXT                  X'7FFFFFFF': branch
         B     BAD
NEXT     ST    2,RES+16
         B     OUT
BAD      MVI   RES+20,X'EE'
OUT      DS    0H
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
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BRANCHCO+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHCO+X'C00'
PLOG     DS    64F                     interruption log
         END
