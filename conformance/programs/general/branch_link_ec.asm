* BAL, BALR, BAS, BASR and SPM in EC mode: the link information is the same as in BC mode.
* GA22-7000 ch.7: in 24-bit addressing BAL/BALR place ILC, CC and program mask in bits 0-7
* in both PSW modes.
* COMPARE: 0-FFF
*
BRANCHLI START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   BRANCHLI+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   BRANCHLI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'2A000000'          CC 2, mask 1010
         SPM   1
         BAL   2,S1
S1       BALR  3,0
         BAS   4,S2
S2       BASR  5,0
         STM   2,5,RES
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
RES      DS    4F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BRANCHLI+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHLI+X'C00'
PLOG     DS    64F                     interruption log
         END
