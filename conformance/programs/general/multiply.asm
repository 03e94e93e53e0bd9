* MULTIPLY (MR, M, MH): 64-bit products in an even-odd pair; MH keeps the low 32 bits.
* GA22-7000 ch.7 "Multiply", "Multiply Halfword". The condition code is unchanged.
* COMPARE: 0-FFF
*
MULTIPLY START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MULTIPLY+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MULTIPLY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     3,=F'123456'
         M     2,=F'7890'              R2:R3 = 974067840
         STM   2,3,RES
         L     5,=F'-3'
         L     7,=F'100000'
         MR    4,7                     R4:R5 = -300000
         STM   4,5,RES+8
         L     3,=X'7FFFFFFF'
         MR    2,3                     (2**31-1)**2
         STM   2,3,RES+16
         L     3,=X'80000000'
         MR    2,3                     2**62
         STM   2,3,RES+24
         L     1,=F'1000'
         MH    1,=H'-2'                -2000
         ST    1,RES+32
         L     1,=F'100000'
         MH    1,=H'30000'             3*10**9: low 32 bits, no exception
         ST    1,RES+36
         L     1,=F'-7'
         MH    1,=H'-32768'            229376
         ST    1,RES+40
         L     3,=F'5'
         CR    3,3                     CC 0 before: multiply keeps it
         M     2,=F'-1'
         BAL   14,REC
         STM   2,3,RES+44
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
         ORG   MULTIPLY+X'A00'
LOG      DS    128F                    result log
         ORG   MULTIPLY+X'C00'
PLOG     DS    64F                     interruption log
         END
