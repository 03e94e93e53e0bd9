* SHIFT LEFT/RIGHT SINGLE (SLA, SRA) and LOGICAL (SLL, SRL); amounts from an address.
* GA22-7000 ch.7. Only the low 6 bits of the address are the amount. SLA keeps the sign
* and sets CC 3 when a bit unlike the sign is shifted out (mask off: no interruption).
* COMPARE: 0-FFF
*
SHIFTSIN START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SHIFTSIN+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SHIFTSIN+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=F'3'
         SLA   1,4                     48: CC 2
         BAL   14,REC
         L     1,=F'-3'
         SLA   1,4                     -48: CC 1
         BAL   14,REC
         L     1,=X'40000000'
         SLA   1,1                     overflow: CC 3, sign kept
         BAL   14,REC
         L     1,=X'C0000001'
         SLA   1,31                    overflow: CC 3
         BAL   14,REC
         L     1,=F'-100'
         SRA   1,3                     -13: CC 1
         BAL   14,REC
         L     1,=F'-1'
         SRA   1,63                    -1: CC 1
         BAL   14,REC
         L     1,=F'100'
         SRA   1,7                     0: CC 0
         BAL   14,REC
         L     1,=X'87654321'
         SLL   1,8                     X'65432100'
         BAL   14,REC
         L     1,=X'87654321'
         SRL   1,12                    X'00087654'
         BAL   14,REC
         L     1,=X'87654321'
         L     4,=F'100'               amount 100 mod 64 = 36: zero
         SRL   1,0(4)
         BAL   14,REC
         L     1,=X'87654321'
         L     4,=X'FFFFFF04'          amount 4
         SLL   1,0(4)
         BAL   14,REC
         L     1,=F'1'
         SLA   1,0                     CC 2, no shift
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
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTSIN+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTSIN+X'C00'
PLOG     DS    64F                     interruption log
         END
