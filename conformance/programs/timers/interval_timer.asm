* The interval timer (location 80): an interruption (X'0080') when it goes negative.
* GA22-7000 ch.4 "Interval Timer": decremented in bit 23 (300 times a second) or at an
* equivalent rate in a lower bit; CR0 bit 24 is the subclass mask. Location 80 is not compared.
* COMPARE: 0-FFF
*
INTERVAL START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   INTERVAL+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   INTERVAL+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   INTERVAL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0OFF
         MVC   80(4,0),=X'00000200'    two units of bit 23: a few milliseconds
         LCTL  0,0,CR0ITM
         LA    11,X1
         LPSW  WAITPSW                 enabled wait
X1       LCTL  0,0,CR0OFF
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
* EXTH: record the external old PSW and the CPU address and code,
* then continue at the address in R11
EXTH     MVC   0(8,13),24(0)
         MVC   8(4,13),132(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0D
WAITPSW  DC    X'010A0000',A(X'5050')
CR0OFF   DC    X'00000000'
CR0ITM   DC    X'00000080'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INTERVAL+X'A00'
LOG      DS    128F                    result log
         ORG   INTERVAL+X'C00'
PLOG     DS    64F                     interruption log
         END
