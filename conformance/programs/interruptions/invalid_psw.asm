* LOAD PSW of an invalid EC-mode PSW: a specification exception.
* GA22-7000 ch.4 "Exceptions Associated with the PSW": in an EC-mode PSW bits 0, 2-4, 17 and
* 24-39 must be zero (S/370, 24-bit addresses). The PSW is loaded; the exception is
* recognized before the next instruction (the old PSW is the invalid PSW).
* COMPARE: 0-FFF
*
INVALIDP START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   INVALIDP+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   INVALIDP+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         LPSW  BAD1                    bit 24 one
X1       LA    11,X2
         LPSW  BAD2                    bit 32 one
X2       LA    11,X3
         LPSW  BAD3                    bit 0 one
X3       LA    11,X4
         LPSW  BAD4                    bit 17 one
X4       LA    11,X5
         LPSW  GOOD                    a valid EC PSW: continues at X5
X5       DS    0H
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
         DS    0D
BAD1     DC    X'00080080',A(X1)
BAD2     DC    X'00080000',A(X'80000000'+X2)
BAD3     DC    X'80080000',A(X3)
BAD4     DC    X'00084000',A(X4)
GOOD     DC    X'00082000',A(X5)
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INVALIDP+X'A00'
LOG      DS    128F                    result log
         ORG   INVALIDP+X'C00'
PLOG     DS    64F                     interruption log
         END
