* MONITOR CALL in BC mode: the interruption code in the old PSW, class and code stored.
* GA22-7000 ch.4 "Monitoring": locations 148-149 and 156-159 are stored in either PSW mode.
* COMPARE: 0-FFF
* KNOWN: H4
*
MONITORC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MONITORC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MONITORC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  8,8,CR8                 class 3
         LA    11,X1
         MC    X'ABC',3
X1       MVC   RES(12),148(0)
         MC    X'ABC',4                masked off
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
         DS    0F
CR8      DC    X'00001000'
RES      DS    3F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MONITORC+X'A00'
LOG      DS    128F                    result log
         ORG   MONITORC+X'C00'
PLOG     DS    64F                     interruption log
         END
