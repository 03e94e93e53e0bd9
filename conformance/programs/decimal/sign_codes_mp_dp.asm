* MULTIPLY and DIVIDE DECIMAL with every plus and minus sign code: preferred result signs.
* GA22-7000 ch.8: A, C, E, F are plus, B and D minus; results get the preferred codes C and
* D. MP: the product's sign by the rule of signs, also for a zero product. DP: the
* quotient's sign by the rule of signs, the remainder's the dividend's, also when zero.
* COMPARE: 0-FFF
*
SIGNCODE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SIGNCODE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SIGNCODE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* MP: multiplicand sign codes A-F times multiplier sign codes A-F (R4, R5: indexes)
         LA    6,PRODS                 R6: the next product
         SR    4,4
MPOUTER  SR    5,5
MPINNER  MVC   0(4,6),MCAND            00 00 12 3s
         IC    2,SIGNS(4)
         STC   2,PSAVE
         NI    3(6),X'F0'
         OC    3(1,6),PSAVE            multiplicand sign from the table
         IC    2,SIGNS(5)
         STC   2,PSAVE
         MVC   MPLIER,=X'2C'
         NI    MPLIER,X'F0'
         OC    MPLIER,PSAVE            multiplier 2, sign from the table
         MP    0(4,6),MPLIER
         LA    6,4(0,6)
         LA    5,1(0,5)
         CH    5,=H'6'
         BL    MPINNER
         LA    4,1(0,4)
         CH    4,=H'6'
         BL    MPOUTER
* zero products
         MP    Z1,=X'3D'               0+ times 3-: zero, sign minus
         MP    Z2,=X'3B'               0- (B) times 3- (B): zero, sign plus
* DP: dividend 0000125s by 2s (quotient 62, remainder 1) and 0000124s by 2s (remainder 0)
         LA    6,QUOTS
         SR    4,4
DPOUTER  SR    5,5
DPINNER  IC    2,SIGNS(4)
         STC   2,PSAVE
         MVC   0(4,6),DVDND1
         NI    3(6),X'F0'
         OC    3(1,6),PSAVE
         MVC   4(4,6),DVDND2
         NI    7(6),X'F0'
         OC    7(1,6),PSAVE
         IC    2,SIGNS(5)
         STC   2,PSAVE
         MVC   DVSR,=X'2C'
         NI    DVSR,X'F0'
         OC    DVSR,PSAVE
         DP    0(4,6),DVSR             quotient 3 bytes, remainder 1 byte
         DP    4(4,6),DVSR             remainder zero, with the dividend's sign
         LA    6,8(0,6)
         LA    5,5(0,5)                signs A and F only for the divisor
         CH    5,=H'6'
         BL    DPINNER
         LA    4,1(0,4)
         CH    4,=H'6'
         BL    DPOUTER
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
SIGNS    DC    X'0A0B0C0D0E0F'
MCAND    DC    X'0000123C'
DVDND1   DC    X'0000125C'
DVDND2   DC    X'0000124C'
MPLIER   DS    X
DVSR     DS    X
PSAVE    DS    X
Z1       DC    X'00000C'
Z2       DC    X'00000B'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SIGNCODE+X'600'
PRODS    DS    36F                     MP results, 6 by 6
         ORG   SIGNCODE+X'700'
QUOTS    DS    24D                     DP results, 6 by 2
         ORG   SIGNCODE+X'A00'
LOG      DS    128F                    result log
         ORG   SIGNCODE+X'C00'
PLOG     DS    64F                     interruption log
         END
