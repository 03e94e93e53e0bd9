* EXECUTE of EXECUTE, of an odd address, and of branches: the link is the address after EX.
* GA22-7000 ch.7 "Execute": a target that is EXECUTE is an execute exception (code 3); an odd
* target address is a specification exception; a branch target that branches replaces the
* instruction address, and BAL/BALR link to the instruction after EX (BC mode: with ILC 2,
* the length of EXECUTE). Exceptions are recorded with the old PSW at 40 (ILC 2).
* COMPARE: 0-FFF
*
EXECUTET START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXECUTET+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXECUTET+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         EX    0,EXEX                  execute exception, code 3
X1       LA    11,X2
         LA    1,X'20'
         EX    1,EXEX                  also with R1 not zero
X2       LA    11,X3
         L     5,=A(EXEX+1)
         EX    0,0(0,5)                odd target address: specification
X3       LA    11,X4
         EX    0,BALI                  BAL 15,T4 under EX: R15 = X4
X4       LA    1,X'F0'
         L     6,=A(T5)
         LA    11,X5
         EX    1,BALRI                 BALR 0,6 with R1 field 15: BALR 15,6, R15 = X5
X5       LA    1,X'E0'
         LA    11,T6
         EX    1,BCI                   BC 1,T6 with the mask ORed to 15: taken
         DC    X'0000'                 skipped by the branch
T6       L     6,=A(T7)
         LA    11,T7
         EX    0,BCRI                  BCR 0,6: no branch
         LA    1,X'BC'
         BAL   14,REC
T7       LPSW  DONE
*
T4       LR    1,15                    record the link of BAL under EX
         BAL   14,REC
         B     X4
T5       LR    1,15                    record the link of BALR under EX
         BAL   14,REC
         B     X5
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
EXEX     EX    0,EXEX
BALI     BAL   15,T4
BALRI    BALR  0,6
BCI      BC    1,T6
BCRI     BCR   0,6
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXECUTET+X'A00'
LOG      DS    128F                    result log
         ORG   EXECUTET+X'C00'
PLOG     DS    64F                     interruption log
         END
