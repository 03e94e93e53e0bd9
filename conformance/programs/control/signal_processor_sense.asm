* SIGNAL PROCESSOR sense to the CPU itself and to an invalid order code.
* GA22-7000 ch.10 "Signal Processor": sense to the CPU itself stores no status (CC 0); an
* unassigned order code is rejected: CC 1, status in R1 with the invalid-order bit (30).
* COMPARE: 0-FFF
*
SIGNALPR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SIGNALPR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SIGNALPR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     4,=X'EEEEEEEE'
         SR    5,5
         SIGP  4,5,1                   sense, CPU 0
         BAL   14,REC
         ST    4,RES
         L     4,=X'EEEEEEEE'
         SIGP  4,5,X'FF'               unassigned order
         BAL   14,REC
         ST    4,RES+4
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
RES      DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SIGNALPR+X'A00'
LOG      DS    128F                    result log
         ORG   SIGNALPR+X'C00'
PLOG     DS    64F                     interruption log
         END
