* STORE CLOCK (STCK): CC 0 (clock set), and successive values increase.
* GA22-7000 ch.4 "TOD Clock", ch.7 "Store Clock". The clock values themselves differ between
* the machines and are not compared; the comparisons between them are.
* COMPARE: 0-FFF
* IGNORE: 900-91F   the clock values
*
STORECLO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   STORECLO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   STORECLO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         STCK  T1
         BAL   14,REC                  CC 0: set state
         STCK  T2
         STCK  T3
         CLC   T2,T1                   later value is higher: CC 2
         BAL   14,REC
         CLC   T3,T2
         BAL   14,REC
         L     1,=X'FFFFFFFF'
         LA    11,X1
         STCK  T4+1                    no alignment is required
X1       BAL   14,REC
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
         ORG   STORECLO+X'900'
T1       DS    D
T2       DS    D
T3       DS    D
T4       DS    3D
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORECLO+X'A00'
LOG      DS    128F                    result log
         ORG   STORECLO+X'C00'
PLOG     DS    64F                     interruption log
         END
