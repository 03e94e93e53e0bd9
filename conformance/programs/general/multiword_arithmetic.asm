* 128-bit addition, subtraction and shifts from 32-bit pieces (AL, SL, ALR carries, SLDL).
* GA22-7000 ch.7 "Add Logical", "Subtract Logical": CC 2 or 3 after AL means a carry out
* (CC 0/1 no carry); CC 1 after SL (and SLR) means a borrow (no carry: 1, carry: 2 or 3).
* Four words, most significant first; the carry or borrow goes into the next word to the
* left. Shifts: SLDL on pairs, bits passed between the pairs with SRL and OR.
* COMPARE: 0-FFF
*
MULTIWOR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MULTIWOR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MULTIWOR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    2,A1
         LA    3,B1
         LA    4,SUM1
         BAL   9,ADD128                FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF + 1
         BAL   14,REC
         LA    2,A2
         LA    3,B2
         LA    4,SUM2
         BAL   9,ADD128
         BAL   14,REC
         LA    2,A1
         LA    3,B1
         LA    4,DIF1
         BAL   9,SUB128                FFFF...FF - 1
         BAL   14,REC
         LA    2,B1
         LA    3,A1
         LA    4,DIF2
         BAL   9,SUB128                1 - FFFF...FF: borrow out of the top word
         BAL   14,REC
         LA    2,A2
         LA    3,B2
         LA    4,DIF3
         BAL   9,SUB128
         BAL   14,REC
         LM    4,7,A2                  shift the 128 bits of A2 left by 4
         LR    1,5
         SRL   1,28
         SLDL  4,4
         LR    8,6                     the top 4 bits of R6 go into R5
         SRL   8,28
         OR    5,8
         SLDL  6,4
         STM   4,7,SHL
         LPSW  DONE
*
* ADD128: 16 bytes at 0(R2) + 16 bytes at 0(R3) -> 0(R4); R1 = the carry out
ADD128   LA    5,12                    the rightmost word first
         SR    1,1                     carry in
ADDLOOP  L     6,0(5,2)
         SR    7,7                     carry of this word
         ALR   6,1                     plus the carry in
         BC    12,ADDNC1               CC 0/1: no carry
         LA    7,1
ADDNC1   AL    6,0(5,3)
         BC    12,ADDNC2
         LA    7,1
ADDNC2   ST    6,0(5,4)
         LR    1,7
         SH    5,=H'4'
         BNM   ADDLOOP
         BR    9
* SUB128: 16 bytes at 0(R2) - 16 bytes at 0(R3) -> 0(R4); R1 = the borrow out
SUB128   LA    5,12
         SR    1,1                     borrow in
SUBLOOP  L     6,0(5,2)
         SR    7,7
         SLR   6,1                     minus the borrow in
         BC    3,SUBNB1                CC 2/3 (a carry): no borrow
         LA    7,1
SUBNB1   SL    6,0(5,3)
         BC    3,SUBNB2
         LA    7,1
SUBNB2   ST    6,0(5,4)
         LR    1,7
         SH    5,=H'4'
         BNM   SUBLOOP
         BR    9
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
         DS    0F
A1       DC    X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'
B1       DC    X'00000000000000000000000000000001'
A2       DC    X'0123456789ABCDEFFEDCBA9876543210'
B2       DC    X'F0E1D2C3B4A5968778695A4B3C2D1E0F'
SUM1     DS    4F
SUM2     DS    4F
DIF1     DS    4F
DIF2     DS    4F
DIF3     DS    4F
SHL      DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MULTIWOR+X'A00'
LOG      DS    128F                    result log
         ORG   MULTIWOR+X'C00'
PLOG     DS    64F                     interruption log
         END
