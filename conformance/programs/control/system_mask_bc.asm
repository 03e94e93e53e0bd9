* SET SYSTEM MASK, STORE THEN AND/OR SYSTEM MASK (SSM, STNSM, STOSM) in BC mode.
* GA22-7000 ch.10. No interruption is pending (CR0 external masks off, no I/O).
* With the SSM-suppression control (CR0 bit 1) SSM is a special-operation exception (X'13').
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
         LCTL  0,0,CR0OFF              no external subclass enabled
         SSM   MASKFF
         STNSM SAVE,X'00'              stores X'FF', mask X'00'
         STOSM SAVE+1,X'81'            stores X'00', mask X'81'
         STNSM SAVE+2,X'FE'            stores X'81', mask X'80'
         STOSM SAVE+3,X'00'            stores X'80'
         SSM   ZERO
         LCTL  0,0,CR0SSM              SSM suppression
         LA    11,X1
         SSM   MASKFF                  special operation
X1       STOSM SAVE+4,X'02'            STOSM is not suppressed
         STNSM SAVE+5,X'00'
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
CR0SSM   DC    X'40000000'
MASKFF   DC    X'FF'
ZERO     DC    X'00'
SAVE     DC    8X'EE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SYSTEMMA+X'A00'
LOG      DS    128F                    result log
         ORG   SYSTEMMA+X'C00'
PLOG     DS    64F                     interruption log
         END
