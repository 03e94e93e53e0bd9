* DIVIDE edges: largest quotients, negative zero remainders, the quotient -2**31.
* GA22-7000 ch.7 "Divide": a quotient of -2**31 fits; +2**31 does not.
* COMPARE: 0-FFF
*
DIVIDEED START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DIVIDEED+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DIVIDEED+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=F'-1'
         L     3,=X'80000000'          dividend -2**31
         D     2,=F'1'                 quotient -2**31, remainder 0
         STM   2,3,RES
         L     2,=X'3FFFFFFF'
         L     3,=X'FFFFFFFF'          2**62-1
         L     4,=X'7FFFFFFF'
         LA    11,X0
         DR    2,4                     quotient 2**31+1: too large
X0       DS    0H
         STM   2,3,RES+8
         L     2,=F'-1'
         L     3,=F'-6'
         D     2,=F'3'                 -2, remainder 0
         STM   2,3,RES+16
         L     2,=F'-1'
         L     3,=F'-7'
         D     2,=F'-2'                3, remainder -1
         STM   2,3,RES+24
         L     2,=X'C0000000'
         SR    3,3                     dividend -2**62
         LA    11,X1
         D     2,=X'80000000'          quotient 2**31: exception
X1       STM   2,3,RES+32
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
RES      DS    10F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIVIDEED+X'A00'
LOG      DS    128F                    result log
         ORG   DIVIDEED+X'C00'
PLOG     DS    64F                     interruption log
         END
