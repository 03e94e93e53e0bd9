* COMPARE AND SWAP (CS) and COMPARE DOUBLE AND SWAP (CDS).
* GA22-7000 ch.7: equal -> R3 stored, CC 0; unequal -> the operand loaded into R1, CC 1.
* COMPARE: 0-FFF
*
COMPAREA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   COMPAREA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   COMPAREA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=F'100'
         L     3,=F'200'
         CS    2,3,WORD                equal: WORD = 200, CC 0
         BAL   14,REC
         STM   2,3,RES
         L     2,=F'100'
         L     3,=F'300'
         CS    2,3,WORD                unequal: R2 = 200, CC 1
         BAL   14,REC
         STM   2,3,RES+8
         LM    2,5,=F'1,2,10,20'
         CDS   2,4,DBL                 equal: DBL = 10,20; CC 0
         BAL   14,REC
         STM   2,5,RES+16
         LM    2,5,=F'1,2,30,40'
         CDS   2,4,DBL                 unequal: R2,R3 = 10,20; CC 1
         BAL   14,REC
         STM   2,5,RES+32
         LM    2,5,=F'10,99,30,40'
         CDS   2,4,DBL                 second word differs: CC 1
         BAL   14,REC
         STM   2,5,RES+48
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
WORD     DC    F'100'
         DC    F'0'
DBL      DC    F'1,2'
RES      DS    16F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPAREA+X'A00'
LOG      DS    128F                    result log
         ORG   COMPAREA+X'C00'
PLOG     DS    64F                     interruption log
         END
