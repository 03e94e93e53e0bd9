* BRANCH AND LINK (BAL, BALR) and BRANCH AND SAVE (BAS, BASR) in BC mode.
* GA22-7000 ch.7. BAL/BALR put the ILC, CC and program mask in bits 0-7 of R1;
* BAS/BASR (24-bit addressing) put zeros there. R2 = 0: link without branching.
* COMPARE: 0-FFF
*
BRANCHLI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BRANCHLI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BRANCHLI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    1,1
         LTR   1,1                     CC 2
         BAL   2,S1                    ILC 2
S1       BALR  3,0                     ILC 1, no branch
         LA    5,S2
         BALR  4,5
S2       BAS   6,S3
S3       BASR  7,0
         LA    5,S4
         BASR  8,5
S4       STM   2,8,RES
         LA    5,S5
         BALR  5,5                     link into the branch register: branch to the old value
S5       ST    5,RES+28
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
         ORG   BRANCHLI+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHLI+X'C00'
PLOG     DS    64F                     interruption log
         END
