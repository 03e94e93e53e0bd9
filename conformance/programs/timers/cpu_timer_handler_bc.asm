* A CPU-timer interruption handler in BC mode: three waits, three interruptions, code X'1005'.
* GA22-7000 ch.4 "CPU Timer" and ch.6 "External Interruption": with CR0 bit 21 on, a
* negative CPU timer ends an enabled wait; in BC mode the code X'1005' is in bits 16-31 of
* the old PSW, which is the wait PSW. The ILC of a BC-mode external old PSW is unpredictable
* (GA22-7000-4 p.71; docs/hercules-differences.md M3): the handler clears it. The handler
* sets the timer again (SPT), counts with BCT and loads the next wait PSW.
* COMPARE: 0-FFF
*
CPUTIMEB START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CPUTIMEB+X'58'
         DC    X'00000000',A(EXTH)     external new PSW
         ORG   CPUTIMEB+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CPUTIMEB+X'200'
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
* EXTH: record the external old PSW (its ILC cleared) and 132-135; set the timer
* again and enter the next wait, or end after the third interruption
EXTH     NI    28(0),X'3F'             the ILC of the old PSW: unpredictable (M3)
         MVC   0(8,13),24(0)
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
WAITS    DC    X'01020000',X'0F',AL3(X'111110')  BC mode, external mask, wait, mask F
         DC    X'01020000',X'0A',AL3(X'222220')
         DC    X'01020000',X'35',AL3(X'333330')  CC 3, program mask 5
CR0OFF   DC    X'00000000'
CR0CPT   DC    X'00000400'
RES      DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CPUTIMEB+X'A00'
LOG      DS    128F                    result log
         ORG   CPUTIMEB+X'C00'
PLOG     DS    64F                     interruption log
         END
