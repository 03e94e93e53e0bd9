* EDIT AND MARK (EDMK): R1 gets the address of the first significant digit.
* GA22-7000 ch.8 "Edit and Mark": R1 bits 8-31 are set only when significance is started by
* a nonzero digit (not by the significance starter); bits 0-7 are unchanged.
* COMPARE: 0-FFF
*
EDITANDM START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EDITANDM+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EDITANDM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'AA000000'
         MVC   E1,PAT
         EDMK  E1,N1                   first digit nonzero at the 4th selector
         BAL   14,REC
         L     1,=X'BB000000'
         MVC   E2,PAT
         EDMK  E2,N2                   significance from the starter: R1 unchanged
         BAL   14,REC
         L     1,=X'CC000000'
         MVC   E3,PAT
         EDMK  E3,N3                   all digits significant
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
PAT      DC    X'40202020202120204B2020'
N1       DC    X'00012345678C'
N2       DC    X'00000000001D'
N3       DC    X'99999999999C'
E1       DS    CL11
E2       DS    CL11
E3       DS    CL11
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EDITANDM+X'A00'
LOG      DS    128F                    result log
         ORG   EDITANDM+X'C00'
PLOG     DS    64F                     interruption log
         END
