* SSM, STNSM, STOSM in EC mode, and masks that make the PSW invalid.
* GA22-7000 ch.4 "Exceptions Associated with the PSW": in EC mode bits 0 and 2-4 must be
* zero; an SSM or STOSM that sets one is followed by a specification exception.
* COMPARE: 0-FFF
*
SYSTEMMA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   SYSTEMMA+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   SYSTEMMA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0OFF
         SSM   X03                     I/O and external masks
         STNSM SAVE,X'FD'              stores X'03', mask X'01'
         STOSM SAVE+1,X'40'            PER mask (CR9 is zero: no events)
         STNSM SAVE+2,X'00'            stores X'41'
         LA    11,X1
         SSM   X80                     bit 0: specification
X1       SSM   ZERO
         LA    11,X2
         STOSM SAVE+3,X'08'            bit 4: specification
X2       SSM   ZERO
         STOSM SAVE+4,X'00'
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
X03      DC    X'03'
X80      DC    X'80'
ZERO     DC    X'00'
SAVE     DC    8X'EE'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SYSTEMMA+X'A00'
LOG      DS    128F                    result log
         ORG   SYSTEMMA+X'C00'
PLOG     DS    64F                     interruption log
         END
