* MOVE LONG destructive overlap: CC 3 only when source bytes would be used after being overwritten.
* GA22-7000 ch.7 "Move Long": destructive overlap exists when the destination overlaps the
* part of the source used, to the right of the source's start; then nothing is moved.
* COMPARE: 0-FFF
*
MOVELONG START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MOVELONG+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MOVELONG+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    2,BUF+5                 destination 5 bytes right of the source
         LA    3,10
         LA    4,BUF
         LA    5,10
         MVCL  2,4                     source bytes 5-9 used after overwrite: CC 3
         BAL   14,REC
         STM   2,5,RES
         LA    2,BUF+5
         LA    3,10
         LA    4,BUF
         L     5,=X'5C000005'          source 5 bytes only: no overlap, padding '*'
         MVCL  2,4                     CC 2
         BAL   14,REC
         STM   2,5,RES+16
         LA    2,BUF2
         LA    3,6
         LA    4,BUF2
         LA    5,6
         MVCL  2,4                     same location: not destructive, CC 0
         BAL   14,REC
         STM   2,5,RES+32
         LA    2,BUF3+2
         LA    3,4
         LA    4,BUF3
         LA    5,2
         MVCL  2,4                     source ends before the destination: CC 2
         BAL   14,REC
         STM   2,5,RES+48
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
BUF      DC    C'0123456789ABCDEFGHIJ'
BUF2     DC    C'abcdef'
BUF3     DC    C'klmnop'
RES      DS    16F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVELONG+X'A00'
LOG      DS    128F                    result log
         ORG   MOVELONG+X'C00'
PLOG     DS    64F                     interruption log
         END
