* Floating-point load and store (BC mode): LE, LD, LER, LDR, STE, STD, with the
* rightmost half of a register kept by the short forms, operands at any byte
* address; LOAD AND TEST, LOAD COMPLEMENT, LOAD POSITIVE, LOAD NEGATIVE (short and
* long) with their condition codes, on normalized, unnormalized and zero
* fractions of either sign.
* GA22-7000 ch.9 "Load", "Store", "Load and Test", "Load Complement", "Load
* Positive", "Load Negative".  LOAD and STORE leave the CC (set to 3 before them).
* The log at X'1000' has 32 bytes an entry (REC): R14 from BAL (ILC, CC,
* program mask), four zero bytes, FPR 0, FPR 2, FPR 4.
* COMPARE: 0-17FF
*
LOADSTOR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOADSTOR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOADSTOR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* LOAD: the short forms keep the rightmost 32 bits of R1
         LD    0,ONES                  FPR0 all ones
         LD    2,ONES
         LD    4,ONES
         TM    FF,X'FF'                CC 3
         LE    0,S1                    FPR0 = 41100000 FFFFFFFF
         LD    2,L1                    FPR2 = 4110000000000001
         LDR   4,2
         BAL   14,REC                  CC 3 kept
         LD    4,ONES
         TM    FF,X'FF'
         LER   4,0                     FPR4 = 41100000 FFFFFFFF
         LE    2,ODD+1                 a short operand at an odd address
         BAL   14,REC
         TM    FF,X'FF'
         LD    0,ODD+3                 a long operand at an odd address
         LDR   2,0
         LER   2,4
         BAL   14,REC
* STORE: STE stores the leftmost 32 bits, STD all 64, at any address
         LD    0,L1
         LD    2,LNEG
         LD    4,ONES
         TM    FF,X'FF'
         STE   0,STORES
         STD   2,STORES+5
         STE   4,STORES+13
         STD   0,STORES+17
         STD   4,STORES+24
         BAL   14,REC
* LOAD AND TEST (short): CC 0 zero fraction, 1 minus, 2 plus; not normalized
         LD    0,ONES
         LE    4,S1
         LTER  0,4                     +1: CC 2
         BAL   14,REC
         LE    4,SNEG
         LTER  0,4                     -1: CC 1
         BAL   14,REC
         LE    4,SZERO45               fraction zero, characteristic X'45': CC 0
         LTER  0,4
         BAL   14,REC
         LE    4,SMZERO                minus zero: CC 0
         LTER  0,4
         BAL   14,REC
         LE    4,SUNN                  unnormalized +: CC 2, kept as it is
         LTER  0,4
         BAL   14,REC
         LE    4,SUNNM                 unnormalized -: CC 1
         LTER  4,4
         BAL   14,REC
* LOAD AND TEST (long)
         LD    4,LTINY                 only the last digit nonzero: CC 2
         LTDR  0,4
         BAL   14,REC
         LD    4,LMZERO                minus zero: CC 0
         LTDR  0,4
         BAL   14,REC
         LD    4,LNEG
         LTDR  0,4                     CC 1
         BAL   14,REC
* LOAD COMPLEMENT: the sign inverted, even for a zero fraction
         LD    0,ONES
         LE    4,S1
         LCER  0,4                     -1: CC 1
         BAL   14,REC
         LE    4,SNEG
         LCER  0,4                     +1: CC 2
         BAL   14,REC
         LE    4,SZERO45
         LCER  0,4                     minus zero: CC 0
         BAL   14,REC
         LD    4,L1
         LCDR  0,4                     CC 1
         BAL   14,REC
         LD    4,LMZERO
         LCDR  0,4                     plus zero: CC 0
         BAL   14,REC
         LD    0,LUNN
         LCDR  0,0                     unnormalized, same register: CC 1
         BAL   14,REC
* LOAD POSITIVE
         LD    0,ONES
         LE    4,SNEG
         LPER  0,4                     CC 2
         BAL   14,REC
         LE    4,SMZERO
         LPER  0,4                     plus zero: CC 0
         BAL   14,REC
         LD    4,LNEG
         LPDR  0,4                     CC 2
         BAL   14,REC
         LD    4,LMZERO
         LPDR  0,4                     CC 0
         BAL   14,REC
         LD    4,L1
         LPDR  0,4                     already plus: CC 2
         BAL   14,REC
* LOAD NEGATIVE
         LD    0,ONES
         LE    4,S1
         LNER  0,4                     CC 1
         BAL   14,REC
         LE    4,SZERO45
         LNER  0,4                     minus zero: CC 0
         BAL   14,REC
         LD    4,LUNN
         LNDR  0,4                     CC 1
         BAL   14,REC
         LD    4,LZERO
         LNDR  0,4                     minus zero: CC 0
         BAL   14,REC
         LD    4,LNEG
         LNDR  0,4                     already minus: CC 1
         BAL   14,REC
         STD   0,FPRS                  the final registers
         STD   2,FPRS+8
         STD   4,FPRS+16
         STD   6,FPRS+24
         LPSW  DONE
*
* REC: record R14 (ILC, CC, program mask from BAL 14,REC), FPR 0, 2 and 4
REC      ST    14,0(0,10)
         STD   0,8(0,10)
         STD   2,16(0,10)
         STD   4,24(0,10)
         LA    10,32(0,10)
         BR    14
* PGMCHK: record the program old PSW and 140-147, then continue at the address in
* R11 in the mode of the old PSW
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         STCM  11,7,45(0)
         LPSW  40(0)
*
FF       DC    X'FF'
         DS    0D
ONES     DC    X'FFFFFFFFFFFFFFFF'
S1       DC    E'1'                    X'41100000'
SNEG     DC    E'-1'                   X'C1100000'
SZERO45  DC    X'45000000'
SMZERO   DC    X'80000000'
SUNN     DC    X'40000123'
SUNNM    DC    X'C3000001'
L1       DC    X'4110000000000001'
LNEG     DC    D'-0.5'                 X'C080000000000000'
LTINY    DC    X'0000000000000001'
LMZERO   DC    X'8000000000000000'
LZERO    DC    D'0'
LUNN     DC    X'4200000000012345'
ODD      DC    X'00123456789ABCDEF0FEDCBA'
         DS    0D
FPRS     DS    4D
STORES   DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADSTOR+X'E00'
PLOG     DS    64F                     interruption log
         ORG   LOADSTOR+X'1000'
LOG      DS    512F                    result log
         END
