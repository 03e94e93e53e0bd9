* MOVE LONG into a block of another key: protection before anything is moved.
* GA22-7000 ch.3: the move stops at the protected block; with a destination entirely in a
* protected block nothing is moved. (Only whole-block cases: where a long move stops inside
* an operand is model-dependent.)
* COMPARE: 0-3FFF
*
MOVELONG START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MOVELONG+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MOVELONG+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'3000')
         LA    3,X'40'
         SSK   3,2                     block X'3000': key 4
         SPKA  X'30'                   PSW key 3
         L     2,=A(X'3000')
         LA    3,100
         LA    4,SRC
         L     5,=X'5C00000A'
         LA    11,X1
         MVCL  2,4                     protection: nothing moved
X1       SPKA  0
         STM   2,5,RES
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
SRC      DC    C'0123456789'
RES      DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVELONG+X'A00'
LOG      DS    128F                    result log
         ORG   MOVELONG+X'C00'
PLOG     DS    64F                     interruption log
         END
