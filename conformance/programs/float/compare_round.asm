* COMPARE and LOAD ROUNDED (EC mode): CER, CE, CDR, CD, LRER, LRDR.  COMPARE
* follows normalized subtraction (the guard digit included) and sets CC 0, 1, 2;
* zero fractions are equal whatever their signs and characteristics; the short
* forms ignore the rightmost halves; no exception even with the mask bits on.
* LOAD ROUNDED adds one in the leftmost bit dropped, is not normalized, keeps the
* CC (set to 3) and, short, the rightmost 32 bits of R1.
* GA22-7000 ch.9 "Compare", "Load Rounded".  The log at X'1000' has 32 bytes an
* entry (REC): R14 from BAL (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2,
* FPR 4.
* COMPARE: 0-17FF
*
COMPROUN START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   COMPROUN+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   COMPROUN+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* COMPARE (short)
         LE    0,S1
         CE    0,S1                    CC 0
         BAL   14,REC
         CE    0,S2                    CC 1
         BAL   14,REC
         LE    4,SNEG
         CER   0,4                     CC 2
         BAL   14,REC
         LE    0,SUNN                  X'42010000' = 1: CC 0
         CE    0,S1
         BAL   14,REC
         LE    0,SMZERO
         CE    0,SZERO45               minus zero and plus zero: CC 0
         BAL   14,REC
         LD    0,LPI
         LD    4,LPI2                  equal in the leftmost halves only: CC 0
         CER   0,4
         BAL   14,REC
         LE    0,S1
         CE    0,SALMOST               the guard digit: CC 2
         BAL   14,REC
         LE    0,SNEG
         CE    0,SNEG2                 -1 against -2: CC 2
         BAL   14,REC
         L     1,MASKS                 program mask F: no exception from COMPARE
         SPM   1
         LE    0,STINY
         CE    0,STINY2                CC 1, no underflow, no significance
         BAL   14,REC
         CE    0,STINY                 CC 0
         BAL   14,REC
         SR    1,1
         SPM   1
* COMPARE (long)
         LD    0,LPI
         CD    0,LPI                   CC 0
         BAL   14,REC
         CDR   0,4                     LPI2 differs in the rightmost digits: CC 2
         BAL   14,REC
         LD    4,LE
         CDR   4,0                     CC 1
         BAL   14,REC
         LD    0,L1
         CD    0,LALMOST               the guard digit: CC 2
         BAL   14,REC
         LD    0,LUNN
         CD    0,L1                    unnormalized, equal: CC 0
         BAL   14,REC
         LD    0,LMZERO
         CD    0,LZERO                 CC 0
         BAL   14,REC
         LD    0,LNEG
         CD    0,LMZERO                CC 1
         BAL   14,REC
* LOAD ROUNDED (long to short)
         LD    0,ONES
         LD    4,LR1
         TM    FF,X'FF'                CC 3
         LRER  0,4                     X'41123456 80000000': X'41123457'
         BAL   14,REC
         LD    4,LR2
         LRER  0,4                     X'41123456 7FFFFFFF': X'41123456'
         BAL   14,REC
         LD    4,LR3
         LRER  0,4                     a carry out of the fraction: X'42100000'
         BAL   14,REC
         LD    4,LR4
         LRER  0,4                     minus
         BAL   14,REC
         LD    4,LR5
         LRER  0,4                     unnormalized: not normalized
         BAL   14,REC
         LD    4,LR1
         LRER  4,4                     the same register
         BAL   14,REC
* LOAD ROUNDED (extended to long)
         LD    0,ONES
         LD    4,XR1H
         LD    6,XR1L
         TM    FF,X'FF'
         LRDR  0,4                     the leftmost low-order bit one: rounded up
         BAL   14,REC
         LD    6,XR2L
         LRDR  2,4                     below one half: truncated
         BAL   14,REC
         LD    4,XR3H
         LD    6,XR1L
         LRDR  0,4                     a carry out of the fraction
         BAL   14,REC
         LD    4,XR4H
         LD    6,XR4L
         LRDR  6,4                     minus, into R1 6
         STD   6,XRES
         BAL   14,REC
         LD    0,XR4H
         LD    2,XR1L
         LRDR  4,0                     R2 0
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
         DS    0F
MASKS    DC    X'0F000000'
         DS    0D
ONES     DC    X'FFFFFFFFFFFFFFFF'
S1       DC    E'1'
S2       DC    E'2'
SNEG     DC    E'-1'
SNEG2    DC    E'-2'
SUNN     DC    X'42010000'
SMZERO   DC    X'80000000'
SZERO45  DC    X'45000000'
SALMOST  DC    X'40FFFFFF'
STINY    DC    X'00100000'
STINY2   DC    X'00100001'
L1       DC    D'1'
LPI      DC    X'413243F6A8885A30'
LPI2     DC    X'413243F6A8885A2F'
LE       DC    X'412B7E151628AED2'
LALMOST  DC    X'40FFFFFFFFFFFFFF'
LUNN     DC    X'4300100000000000'
LZERO    DC    X'0000000000000000'
LMZERO   DC    X'C400000000000000'
LNEG     DC    X'C000000000000001'
LR1      DC    X'4112345680000000'
LR2      DC    X'411234567FFFFFFF'
LR3      DC    X'41FFFFFF80000000'
LR4      DC    X'C1ABCDEF88888888'
LR5      DC    X'4300012380000000'
XR1H     DC    X'4112345678ABCDEF'
XR1L     DC    X'3380000000000000'
XR2L     DC    X'337FFFFFFFFFFFFF'
XR3H     DC    X'42FFFFFFFFFFFFFF'
XR4H     DC    X'C00000000000ABCD'
XR4L     DC    X'B2F0000000000000'
         DS    0D
FPRS     DS    4D
XRES     DS    1D
         DS    0D
DONE     DC    X'000A000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   COMPROUN+X'E00'
PLOG     DS    64F                     interruption log
         ORG   COMPROUN+X'1000'
LOG      DS    512F                    result log
         END
