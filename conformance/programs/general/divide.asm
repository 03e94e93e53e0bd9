* DIVIDE (DR, D): quotient and remainder with signs; the remainder takes the dividend's sign.
* GA22-7000 ch.7 "Divide". The condition code is unchanged.
* The last two divides end in fixed-point-divide exceptions (the operands stay unchanged).
* COMPARE: 0-FFF
*
DIVIDE   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DIVIDE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DIVIDE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    2,2
         L     3,=F'100'
         D     2,=F'7'                 R2 = 2, R3 = 14
         STM   2,3,RES
         L     2,=F'-1'
         L     3,=F'-100'
         D     2,=F'7'                 R2 = -2, R3 = -14
         STM   2,3,RES+8
         SR    2,2
         L     3,=F'100'
         D     2,=F'-7'                R2 = 2, R3 = -14
         STM   2,3,RES+16
         L     2,=F'-1'
         L     3,=F'-100'
         L     6,=F'-7'
         DR    2,6                     R2 = -2, R3 = 14
         STM   2,3,RES+24
         L     2,=F'1'
         SR    3,3                     dividend 2**32
         D     2,=F'3'                 1431655765 remainder 1
         STM   2,3,RES+32
         L     2,=F'-1'
         L     3,=X'80000000'          dividend -2**31
         LA    11,DIV1
         D     2,=F'-1'                quotient 2**31 does not fit: exception
DIV1     STM   2,3,RES+40
         L     2,=F'5'
         L     3,=F'5'
         SR    6,6
         LA    11,DIV2
         DR    2,6                     divisor zero: exception
DIV2     STM   2,3,RES+48
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
RES      DS    16F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIVIDE+X'A00'
LOG      DS    128F                    result log
         ORG   DIVIDE+X'C00'
PLOG     DS    64F                     interruption log
         END
