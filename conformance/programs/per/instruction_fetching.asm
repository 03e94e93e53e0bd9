* PER instruction-fetching events (CR9 bit 1).
* GA22-7000 ch.4: an instruction fetched from the range is an event; the instruction is
* completed first (S/370). The PER address is the instruction's.
* COMPARE: 0-FFF
*
INSTRUCT START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   INSTRUCT+X'68'
         DC    X'00080000',A(PERH)   program new PSW
         ORG   INSTRUCT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  9,11,PERCR
         STOSM SAVE,X'40'              PER mask on
         LA    1,1                     outside the range
RANGE1   LA    2,2                     event
         AR    1,2                     event
RANGE2   MVC   OUT(2),=C'AB'           first byte in the range: event
         LA    3,3                     outside
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
OUT      DC    C'..'
         DS    0F
PERCR    DC    X'40000000',A(RANGE1),A(RANGE2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INSTRUCT+X'A00'
LOG      DS    128F                    result log
         ORG   INSTRUCT+X'C00'
PLOG     DS    64F                     interruption log
         END
