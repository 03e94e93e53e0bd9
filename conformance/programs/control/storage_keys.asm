* SET STORAGE KEY, INSERT STORAGE KEY, RESET REFERENCE BIT (SSK, ISK, RRB).
* GA22-7000 ch.10: SSK sets key, fetch-protection, reference and change bits of the 2K block
* from R1 bits 24-30; ISK puts them in R1 bits 24-31 (bit 31 zero, bits 0-23 unchanged); RRB
* sets the CC from the reference and change bits (0: R0 C0, 1: R0 C1, 2: R1 C0, 3: R1 C1)
* and resets the reference bit. A block address with bits 28-31 not zero is a
* specification exception; a block beyond storage an addressing exception.
* COMPARE: 0-2FFF
*
STORAGEK START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   STORAGEK+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   STORAGEK+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'1000')           block X'1000'
         LA    3,X'30'                 key 3
         SSK   3,2
         L     1,=X'AAAAAAAA'
         ISK   1,2                     X'AAAAAA30'
         ST    1,RES
         MVI   0(2),X'11'              a store with PSW key 0 sets R and C
         ISK   4,2                     X'36'
         ST    4,RES+4
         RRB   0(2)                    R1 C1: CC 3, R reset
         BAL   14,REC
         ISK   4,2                     X'32'
         ST    4,RES+8
         RRB   0(2)                    R0 C1: CC 1
         BAL   14,REC
         CLI   0(2),X'11'              a fetch sets R
         RRB   0(2)                    CC 3
         BAL   14,REC
         L     2,=A(X'1800')
         LA    3,X'5E'                 key 5, fetch protection, R, C
         SSK   3,2
         ISK   4,2
         ST    4,RES+12
         RRB   0(2)                    CC 3
         BAL   14,REC
         RRB   0(2)                    CC 1
         BAL   14,REC
         L     2,=A(X'2000')
         L     3,=X'FFFFFF0A'          key 0, F, C; bit 31 ignored
         SSK   3,2
         ISK   4,2
         ST    4,RES+16
         L     2,=A(X'27F0')           bits 21-27 of the address are ignored
         ISK   5,2
         ST    5,RES+20
         L     2,=A(X'2001')           bits 28-31 not zero: specification
         L     5,=F'-1'
         LA    11,X1
         ISK   5,2
X1       ST    5,RES+24
         LA    11,X2
         SSK   3,2
X2       L     2,=A(X'300000')         beyond 2M: addressing
         LA    11,X3
         ISK   5,2
X3       LA    11,X4
         SSK   3,2
X4       LA    11,X5
         RRB   0(2)
X5       ST    5,RES+28
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
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORAGEK+X'A00'
LOG      DS    128F                    result log
         ORG   STORAGEK+X'C00'
PLOG     DS    64F                     interruption log
         END
