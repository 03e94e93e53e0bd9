* ADD NORMALIZED and SUBTRACT NORMALIZED (EC mode): AER, AE, ADR, AD, AXR, SER, SE,
* SDR, SD, SXR.  Operands of equal and different characteristics, a carry out of
* the fraction, the guard digit in the alignment, cancellation normalized by
* left shifts, unnormalized operands, signs; the short forms keep the rightmost 32
* bits of R1; the extended forms ignore the low-order characteristic of the
* operands and make that of the result 14 less than the high-order one.
* GA22-7000 ch.9 "Add Normalized", "Subtract Normalized", "Extended Operands".
* Program mask 0.  The log at X'1000' has 32 bytes an entry (REC): R14 from BAL
* (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2, FPR 4.
* COMPARE: 0-17FF
*
ADDNORM  START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   ADDNORM+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   ADDNORM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* Short
         LD    0,ONES
         LE    0,S1
         AE    0,S1                    1 + 1 = 2: CC 2
         BAL   14,REC
         LE    0,SHALF8
         LE    4,SHALF8
         AER   0,4                     X'41800000' twice: a carry, X'42100000'
         BAL   14,REC
         LE    0,S100
         AE    0,SNEG                  100 - 1 = 99
         BAL   14,REC
         LE    0,S1
         SE    0,SALMOST               the guard digit: 1 - X'40FFFFFF' = X'3B100000'
         BAL   14,REC
         LE    0,S1
         LE    4,S2
         SER   0,4                     1 - 2 = -1: CC 1
         BAL   14,REC
         LE    0,SUNN                  unnormalized operands, normalized sum
         AE    0,SUNN2
         BAL   14,REC
         LE    0,SBIG
         AE    0,STINY                 the smaller operand shifted out entirely
         BAL   14,REC
         LE    0,SNEG
         LE    4,SNEG
         AER   0,4                     -1 + -1 = -2
         BAL   14,REC
         LE    0,SMIX
         SE    0,SMIX2                 different characteristics, borrow
         BAL   14,REC
* Long
         LD    0,L1
         AD    0,L1                    CC 2
         BAL   14,REC
         LD    0,L1
         SD    0,LALMOST               the guard digit: 1 - (1 - 16**-14)
         BAL   14,REC
         LD    0,LPI
         LD    4,LE
         ADR   0,4
         BAL   14,REC
         LD    0,LPI
         LD    4,LE
         SDR   0,4
         BAL   14,REC
         LD    0,LE
         LD    4,LPI
         SDR   0,4                     negative: CC 1
         BAL   14,REC
         LD    0,LUNN
         AD    0,LUNN                  unnormalized operands
         BAL   14,REC
         LD    0,LCARRY
         AD    0,LCARRY2               a carry from the guard digit position
         BAL   14,REC
         LD    0,LNEGS
         SD    0,L1                    minus - plus
         BAL   14,REC
* Extended (pairs 0-2 and 4-6)
         LD    0,X1H
         LD    2,X1L
         LD    4,X1H
         LD    6,X1L
         AXR   0,4                     1 + 1
         BAL   14,REC
         LD    0,XAH
         LD    2,XAL
         LD    4,XBH
         LD    6,XBL
         AXR   0,4                     a carry from the low-order part
         BAL   14,REC
         LD    0,X1H
         LD    2,XZL
         LD    4,XCH
         LD    6,XCL
         SXR   0,4                     the guard digit: 1 - (1 - 16**-28)
         BAL   14,REC
         LD    0,XAH
         LD    2,XAL
         LD    4,XBH
         LD    6,XBL
         SXR   4,0                     into the pair 4-6
         STD   4,XRES
         STD   6,XRES+8
         BAL   14,REC
         LD    0,XDH
         LD    2,XDL
         LD    4,X1H
         LD    6,X1L
         AXR   0,4                     different characteristics, signs
         BAL   14,REC
         LD    0,XDH
         LD    2,XDL
         SXR   0,0                     the same pair: zero, mask 0: true zero, CC 0
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
         DS    0D
ONES     DC    X'FFFFFFFFFFFFFFFF'
S1       DC    E'1'
S2       DC    E'2'
SNEG     DC    E'-1'
S100     DC    E'100'
SHALF8   DC    X'41800000'
SALMOST  DC    X'40FFFFFF'
SUNN     DC    X'43000123'
SUNN2    DC    X'42000456'
SBIG     DC    X'48123456'
STINY    DC    X'41654321'
SMIX     DC    X'42100000'
SMIX2    DC    X'41000001'
L1       DC    D'1'
LALMOST  DC    X'40FFFFFFFFFFFFFF'
LPI      DC    X'413243F6A8885A30'
LE       DC    X'412B7E151628AED2'
LUNN     DC    X'4400000012345678'
LCARRY   DC    X'42FFFFFFFFFFFFFF'
LCARRY2  DC    X'4110000000000008'
LNEGS    DC    X'C3123456789ABCDE'
X1H      DC    X'4110000000000000'     extended 1
X1L      DC    X'3300000000000000'
XZL      DC    X'0000000000000000'     a low-order part whose characteristic is 0
XAH      DC    X'4110000000000000'
XAL      DC    X'33FFFFFFFFFFFFFF'
XBH      DC    X'4100000000000000'
XBL      DC    X'3300000000000001'
XCH      DC    X'40FFFFFFFFFFFFFF'     1 - 16**-28
XCL      DC    X'32FFFFFFFFFFFFFF'
XDH      DC    X'C2123456789ABCDE'
XDL      DC    X'34F0123456789ABC'
         DS    0D
FPRS     DS    4D
XRES     DS    2D
         DS    0D
DONE     DC    X'000A000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADDNORM+X'E00'
PLOG     DS    64F                     interruption log
         ORG   ADDNORM+X'1000'
LOG      DS    512F                    result log
         END
