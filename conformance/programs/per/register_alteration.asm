* PER general-register-alteration events (CR9 bit 3, masks in bits 16-31).
* GA22-7000 ch.4: an instruction that changes a register whose mask bit is one is an event.
* COMPARE: 0-FFF
* KNOWN: H6
*
REGISTER START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   REGISTER+X'68'
         DC    X'00080000',A(PERH)   program new PSW
         ORG   REGISTER+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  9,11,PERCR
         STOSM SAVE,X'40'              PER mask on
         LA    4,1                     R4 masked: event
         LA    5,2                     R5 masked: event
         LA    6,3                     R6 not masked: no event
         LM    3,6,FOUR                R4 and R5 altered: one event
         SLDA  4,1                     pair R4-R5: event
         LR    7,4                     R7: no event
         STNSM SAVE,X'BF'              PER mask off
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
* PERH: record the program old PSW and locations 140-155 (ILC and code, translation-
* exception address, monitor class, PER code and PER address), then resume the
* interrupted program (its old PSW has the PER mask on)
PERH     MVC   0(8,13),40(0)
         MVC   8(16,13),140(0)
         XC    150(6,0),150(0)         clear the PER code and address for the next event
         LA    13,24(0,13)
         LPSW  40(0)
*
         DS    0F
FOUR     DC    F'1,2,3,4'
RANGE1   EQU   0
RANGE2   EQU   X'FFFFFF'
         DS    0F
PERCR    DC    X'10000C00',A(RANGE1),A(RANGE2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   REGISTER+X'A00'
LOG      DS    128F                    result log
         ORG   REGISTER+X'C00'
PLOG     DS    64F                     interruption log
         END
