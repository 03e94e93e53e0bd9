* SIGNAL PROCESSOR (SIGP) on a one-CPU system: CC 3 for an absent CPU, signals to itself.
* GA22-7000 ch.10, ch.6 "External Interruption": emergency signal (X'1201') and external call
* (X'1202') sent by the CPU to itself become pending; the CPU address goes to locations 132-133.
* COMPARE: 0-FFF
*
SIGNALPR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SIGNALPR+X'58'
         DC    X'00000000',A(EXTH)     external new PSW
         ORG   SIGNALPR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SIGNALPR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0SIG              emergency-signal and external-call masks only
         LA    5,1
         L     4,=X'EEEEEEEE'
         SIGP  4,5,1                   sense CPU 1: not operational, CC 3
         BAL   14,REC
         SR    5,5
         SIGP  4,5,3                   emergency signal to CPU 0: CC 0
         BAL   14,REC
         SIGP  4,5,2                   external call to CPU 0: CC 0
         BAL   14,REC
         ST    4,RES
         LA    11,X1
         STOSM SAVE,X'01'              enable: the first interruption
X1       LA    11,X2
         STOSM SAVE,X'01'              the second
X2       LA    11,X3
         STOSM SAVE,X'01'              nothing more pending
X3       STNSM SAVE,X'00'
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
* The ILC in a BC-mode external old PSW is unpredictable (GA22-7000 ch.6
* "Instruction-Length Code"): set it to zero in the old PSW and the copy
         NI    28(0),X'3F'
         NI    4(13),X'3F'
         LA    13,16(0,13)
         BR    11
*
         DS    0F
CR0SIG   DC    X'00006000'
RES      DS    2F
SAVE     DS    F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SIGNALPR+X'A00'
LOG      DS    128F                    result log
         ORG   SIGNALPR+X'C00'
PLOG     DS    64F                     interruption log
         END
