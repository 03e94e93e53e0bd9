* SET CLOCK (SCK) then STORE CLOCK: the clock runs on from the value set.
* GA22-7000 ch.10 "Set Clock": CC 0 (the clock is set). STCK afterwards gives a value not
* lower than the one set (bits beyond the clock's resolution are not compared).
* COMPARE: 0-FFF
* IGNORE: 900-907   the clock value
*
SETCLOCK START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SETCLOCK+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SETCLOCK+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SCK   NEWTOD
         BAL   14,REC
         STCK  T1
         CLC   T1,NEWTOD               not lower than the value set
         BL    LOW
         MVI   CCS,X'01'
LOW      CLC   T1(4),NEWTOD            bits 0-31 equal
         BAL   14,REC
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
         DS    0D
NEWTOD   DC    X'8123456789ABC000'
CCS      DC    X'00'
         ORG   SETCLOCK+X'900'
T1       DS    D
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SETCLOCK+X'A00'
LOG      DS    128F                    result log
         ORG   SETCLOCK+X'C00'
PLOG     DS    64F                     interruption log
         END
