* STORE THEN AND/OR SYSTEM MASK into a protected location: suppressed, the mask unchanged.
* GA22-7000 ch.10: the operation is suppressed on protection (the old mask is stored first,
* then the mask changed: nothing happens when the store is prohibited).
* COMPARE: 0-FFF
*
SYSTEMMA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SYSTEMMA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SYSTEMMA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0OFF
         SPKA  X'30'                   PSW key 3; the program's blocks have key 0
         LA    11,X1
         STOSM SAVE,X'01'              protection
X1       SPKA  X'30'
         LA    11,X2
         STNSM SAVE,X'00'
X2       SPKA  0
         STOSM SAVE+1,X'00'            the mask: still X'00'
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
CR0OFF   DC    X'00000000'
SAVE     DC    X'EEEEEEEE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SYSTEMMA+X'A00'
LOG      DS    128F                    result log
         ORG   SYSTEMMA+X'C00'
PLOG     DS    64F                     interruption log
         END
