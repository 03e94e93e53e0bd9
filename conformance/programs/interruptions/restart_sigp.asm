* Restart interruptions made pending by SIGNAL PROCESSOR restart (order X'06') to this CPU.
* GA22-7000 ch.10 "Signal Processor" (restart: CC 0, order accepted), ch.6 "Restart
* Interruption": not maskable; the current PSW is stored at 8 and the new PSW loaded from
* 0 at the end of the SIGP. The run itself starts with a restart (the PSW at 0, the old
* PSW, zeros, at 8): the program first replaces the restart new PSW at 0. The handlers
* log each restart old PSW (EC mode: no ILC) and return with LPSW 8. The second SIGP runs
* with PSW key 3 (in the old PSW); the third restart new PSW enables an emergency signal
* left pending: the external interruption comes before the handler's first instruction
* (its old PSW is the restart new PSW).
* COMPARE: 0-FFF
*
RESTARTS START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode), replaced below
         ORG   RESTARTS+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   RESTARTS+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   RESTARTS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0ES               external subclass: emergency signal only
         MVC   0(8,0),RSTPSW1          restart new PSW: RSTH, CC 2, program mask C
         SR    5,5                     CPU address 0: this CPU
         L     4,=X'EEEEEEEE'
         LA    1,1
         SIGP  4,5,6                   restart: CC 0, the interruption follows
         BAL   14,REC                  CC 0 (the old PSW's), R4 unchanged
         LA    6,X'30'
         SPKA  0(6)                    PSW key 3
         SIGP  4,5,6                   restart with key 3 in the old PSW
         SPKA  0                       PSW key 0
         ST    4,RES
         SIGP  4,5,3                   emergency signal: pending, external disabled
         MVC   0(8,0),RSTPSW2          restart new PSW: RSTH, external enabled
         SIGP  4,5,6                   restart, then the emergency signal
         BAL   14,REC                  CC 0
         STCTL 0,0,RES+4
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
* RSTH: record the handler's own ILC/CC/program mask (from the restart new
* PSW) and the restart old PSW, then resume the interrupted program
RSTH     LR    9,14
         BAL   14,REC
         LR    14,9
         MVC   0(8,13),8(0)
         LA    13,16(0,13)
         LPSW  8(0)
* EXTH: record the external old PSW, CPU address and interruption code (EC
* mode: at 132-135), then resume the interrupted program
EXTH     MVC   0(8,13),24(0)
         MVC   8(4,13),132(0)
         LA    13,16(0,13)
         LPSW  24(0)
*
         DS    0F
CR0ES    DC    X'00004000'             emergency-signal subclass mask
RES      DS    2F
         DS    0D
RSTPSW1  DC    X'00082C00',A(RSTH)     EC, CC 2, program mask X'C'
RSTPSW2  DC    X'01080000',A(RSTH)     EC, external interruptions enabled
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   RESTARTS+X'A00'
LOG      DS    128F                    result log
         ORG   RESTARTS+X'C00'
PLOG     DS    64F                     interruption log
         END
