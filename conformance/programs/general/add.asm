* ADD (AR, A, AH): sums, condition codes 0-3, overflow with the mask off.
* GA22-7000 ch.7 "Add", "Add Halfword".
* COMPARE: 0-FFF
*
ADD      START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADD+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADD+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=F'5'
         AR    1,1                     10: CC 2
         BAL   14,REC
         L     1,=F'-7'
         A     1,=F'7'                 0: CC 0
         BAL   14,REC
         L     1,=F'-7'
         A     1,=F'3'                 -4: CC 1
         BAL   14,REC
         L     1,=F'2147483647'
         A     1,=F'1'                 overflow: CC 3, X'80000000'
         BAL   14,REC
         L     1,=F'-2147483648'
         AR    1,1                     overflow to zero: CC 3
         BAL   14,REC
         L     1,=F'100'
         AH    1,=H'-300'              -200: CC 1
         BAL   14,REC
         L     1,=F'100'
         AH    1,HALFNEG               X'8000' is -32768
         BAL   14,REC
         L     1,=F'2147450000'
         AH    1,=H'32767'             overflow: CC 3
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
HALFNEG  DC    X'8000'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADD+X'A00'
LOG      DS    128F                    result log
         ORG   ADD+X'C00'
PLOG     DS    64F                     interruption log
         END
