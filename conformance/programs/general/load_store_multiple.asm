* LOAD MULTIPLE and STORE MULTIPLE (LM, STM) with wraparound from R15 to R0.
* GA22-7000 ch.7.
* COMPARE: 0-FFF
*
LOADSTOR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOADSTOR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOADSTOR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LM    0,9,TEN                 R0-R9
         STM   0,9,OUT
         LM    14,1,FOUR               R14, R15, R0, R1
         STM   14,1,OUT+40
         LM    5,5,ONE                 one register
         STM   5,5,OUT+56
         LA    14,0
         STM   15,0,OUT+60             R15 and R0
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
TEN      DC    F'1,2,3,4,5,6,7,8,9,10'
FOUR     DC    X'EEEEEEEE',X'FFFFFFFF',X'00000000',X'11111111'
ONE      DC    X'55555555'
OUT      DS    20F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADSTOR+X'A00'
LOG      DS    128F                    result log
         ORG   LOADSTOR+X'C00'
PLOG     DS    64F                     interruption log
         END
