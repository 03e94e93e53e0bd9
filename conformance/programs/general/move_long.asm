* MOVE LONG (MVCL): padding, truncation, zero lengths, destructive overlap (CC 3).
* GA22-7000 ch.7 "Move Long". After the move: addresses advanced, lengths counted down;
* bits 0-7 of the address registers zero; the pad byte stays in bits 0-7 of R2+1.
* COMPARE: 0-17FF
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
         LA    2,DST1
         LA    3,16                    destination 16 bytes
         LA    4,SRC
         L     5,=X'5C000006'          pad '*', source 6 bytes
         MVCL  2,4                     CC 2 (first longer)
         BAL   14,REC
         STM   2,5,RES
         LA    2,DST2
         LA    3,4
         LA    4,SRC
         LA    5,10
         MVCL  2,4                     CC 1 (first shorter): truncated
         BAL   14,REC
         STM   2,5,RES+16
         LA    2,DST3
         LA    3,8
         LA    4,SRC
         LA    5,8
         MVCL  2,4                     CC 0
         BAL   14,REC
         STM   2,5,RES+32
         L     2,=X'FF000000'          zero destination length; high byte ignored
         SR    3,3
         L     4,=X'EE000000'
         LA    5,5
         MVCL  2,4                     nothing moved: CC 1
         BAL   14,REC
         STM   2,5,RES+48
         LA    2,OVL+1                 destination one byte right of the source
         LA    3,6
         LA    4,OVL
         LA    5,6
         MVCL  2,4                     destructive overlap: CC 3, nothing moved
         BAL   14,REC
         STM   2,5,RES+64
         LA    2,OVL
         LA    3,6
         LA    4,OVL+1                 destination left of the source: allowed
         LA    5,6
         MVCL  2,4
         BAL   14,REC
         STM   2,5,RES+80
         LA    2,BIG                   a long move: 1000 bytes of padding
         LA    3,1000
         SR    4,4
         L     5,=X'A5000000'
         MVCL  2,4
         BAL   14,REC
         STM   2,5,RES+96
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
SRC      DC    C'ABCDEFGHIJ'
DST1     DC    20C'.'
DST2     DC    8C'.'
DST3     DC    8C'.'
OVL      DC    C'1234567'
RES      DS    32F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVELONG+X'A00'
LOG      DS    128F                    result log
         ORG   MOVELONG+X'C00'
PLOG     DS    64F                     interruption log
         ORG   MOVELONG+X'1000'
BIG      DC    1008X'00'
         END
