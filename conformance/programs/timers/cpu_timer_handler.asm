* A CPU-timer interruption handler that sets the timer again: three waits, three interruptions.
* GA22-7000 ch.4 "CPU Timer" and ch.6 "External Interruption": with CR0 bit 21 on, a
* negative CPU timer ends an enabled wait with code X'1005' at 134-135 (EC mode); the old
* PSW is the wait PSW. The handler sets the timer positive again (SPT), counts with BCT and
* loads the next wait PSW. The timer values themselves are not looked at.
* COMPARE: 0-FFF
*
CPUTIMEH START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   CPUTIMEH+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   CPUTIMEH+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   CPUTIMEH+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0CPT              external subclass: CPU timer only
         LA    5,3                     R5: interruptions still to take
         LA    6,WAITS                 R6: the next wait PSW
         SPT   SHORT
         LPSW  0(6)                    the first wait
FIN      LCTL  0,0,CR0OFF
         STM   5,6,RES
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
* EXTH: record the external old PSW and the CPU address and code; set the timer
* again and enter the next wait, or end after the third interruption
EXTH     MVC   0(8,13),24(0)
         MVC   8(4,13),132(0)
         LA    13,16(0,13)
         LA    6,8(0,6)
         BCT   5,AGAIN
         B     FIN
AGAIN    SPT   SHORT
         LPSW  0(6)
*
         DS    0D
SHORT    DC    X'0000000000100000'     256 microseconds
WAITS    DC    X'010A0000',A(X'111110')
         DC    X'010A0000',A(X'222220')
         DC    X'010A0000',A(X'333330')
CR0OFF   DC    X'00000000'
CR0CPT   DC    X'00000400'
RES      DS    2F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CPUTIMEH+X'A00'
LOG      DS    128F                    result log
         ORG   CPUTIMEH+X'C00'
PLOG     DS    64F                     interruption log
         END
