* PER storage-alteration events (CR9 bit 2).
* GA22-7000 ch.4: a store into the range CR10-CR11 is an event (the operation is completed).
* COMPARE: 0-FFF
*
STORAGEA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   STORAGEA+X'68'
         DC    X'00080000',A(PERH)   program new PSW
         ORG   STORAGEA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  9,11,PERCR
         STOSM SAVE,X'40'              PER mask on
         MVI   BEFORE,1                outside: no event
         MVI   INSIDE,2                event
         MVC   BEFORE+6(4),=C'WXYZ'    the last two bytes in the range: event
         ST    1,AFTER                 outside
         STM   1,2,INSIDE+8            event
         CLI   INSIDE,2                a fetch: no event
         XC    INSIDE+4(2),INSIDE+4    event
         LA    1,5
         CVD   1,DWORD                 in the range: event
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
BEFORE   DC    XL8'00'
RANGE1   DS    0X
INSIDE   DC    XL16'00'
DWORD    DC    D'0'
RANGE2   DC    X'00'
AFTER    DC    XL8'00'
         DS    0F
PERCR    DC    X'20000000',A(RANGE1),A(RANGE2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORAGEA+X'A00'
LOG      DS    128F                    result log
         ORG   STORAGEA+X'C00'
PLOG     DS    64F                     interruption log
         END
