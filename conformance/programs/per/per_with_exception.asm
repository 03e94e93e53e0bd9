* A PER event together with a program exception: code X'80' ORed with the exception's.
* GA22-7000 ch.6: a PER event concurrent with a completed operation (fixed-point overflow)
* is indicated in the same interruption (code X'0088').
* COMPARE: 0-FFF
* KNOWN: H6
*
PERWITHE START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   PERWITHE+X'68'
         DC    X'00080000',A(PERH)   program new PSW
         ORG   PERWITHE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  9,11,PERCR
         STOSM SAVE,X'40'              PER mask on
         L     1,=X'08000000'
         SPM   1                       fixed-point-overflow mask on
         L     4,=X'7FFFFFFF'
         A     4,=F'1'                 R4 altered and overflow: X'0088'
         LA    4,0                     R4 altered: X'0080'
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
RANGE1   EQU   0
RANGE2   EQU   X'FFFFFF'
         DS    0F
PERCR    DC    X'10000800',A(RANGE1),A(RANGE2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PERWITHE+X'A00'
LOG      DS    128F                    result log
         ORG   PERWITHE+X'C00'
PLOG     DS    64F                     interruption log
         END
