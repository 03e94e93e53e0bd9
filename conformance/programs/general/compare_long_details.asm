* COMPARE LOGICAL LONG details: padding on either side, lengths above 2K, high bytes of registers.
* GA22-7000 ch.7 "Compare Logical Long": bits 0-7 of the address registers are ignored and set
* to zero; the pad byte stays in R2+1.
* COMPARE: 0-2FFF
*
COMPAREL START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   COMPAREL+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   COMPAREL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=X'FF000000'
         A     2,=A(BIG1)
         L     3,=F'3000'
         L     4,=X'EE000000'
         A     4,=A(BIG2)
         L     5,=X'00000BB8'          3000
         CLCL  2,4                     3000 equal bytes: CC 0
         BAL   14,REC
         STM   2,5,RES
         L     2,=A(BIG1)
         L     3,=F'3000'
         L     4,=A(BIG2)
         L     5,=X'41000BB7'          2999 bytes, pad X'41' vs X'41': CC 0
         CLCL  2,4
         BAL   14,REC
         STM   2,5,RES+16
         L     2,=A(BIG1)
         L     3,=F'2999'
         L     4,=A(BIG2)
         L     5,=X'40000BB8'          the first operand padded with X'40' < X'41': CC 1
         CLCL  2,4
         BAL   14,REC
         STM   2,5,RES+32
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
RES      DS    12F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPAREL+X'A00'
LOG      DS    128F                    result log
         ORG   COMPAREL+X'C00'
PLOG     DS    64F                     interruption log
         ORG   COMPAREL+X'1000'
BIG1     DC    3000X'41'
         ORG   COMPAREL+X'2000'
BIG2     DC    3000X'41'
         END
