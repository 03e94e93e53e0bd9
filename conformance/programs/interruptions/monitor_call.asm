* MONITOR CALL (MC): classes masked by CR8 bits 16-31; code X'40' with class and code stored.
* GA22-7000 ch.4 "Monitoring", ch.7 "Monitor Call": the class (I2 bits 12-15) at location
* 149, the monitor code (the operand address) at 157-159; I2 bits 8-11 must be zero.
* COMPARE: 0-FFF
*
MONITORC START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   MONITORC+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MONITORC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MC    X'123',5                class 5 masked off: no operation
         LCTL  8,8,CR8                 classes 0, 5 and 15
         LA    11,X1
         MC    X'456',5                monitor event
X1       MVC   RES(12),148(0)          locations 148-159
         LA    11,X2
         MC    0(12),0                 class 0: code is the address in R12 + 0
X2       MVC   RES+12(12),148(0)
         LA    11,X3
         MC    X'FFF',15
X3       MVC   RES+24(12),148(0)
         MC    X'789',1                class 1 masked off
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
CR8      DC    X'00008401'
RES      DS    9F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MONITORC+X'A00'
LOG      DS    128F                    result log
         ORG   MONITORC+X'C00'
PLOG     DS    64F                     interruption log
         END
