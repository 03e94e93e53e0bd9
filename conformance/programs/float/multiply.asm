* MULTIPLY (EC mode): MER and ME (short operands, long product), MDR and MD (long),
* MXDR and MXD (long operands, extended product), MXR (extended).  Operands are
* normalized before the multiplication; the product is normalized and truncated;
* a zero operand gives a true zero; the sign is the exclusive or of the signs.
* The short forms ignore the rightmost 32 bits of R1.  CC unchanged (set to 3).
* GA22-7000 ch.9 "Multiply".  Program mask 0.  The log at X'1000' has 32 bytes an
* entry (REC): R14 from BAL (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2,
* FPR 4.
* COMPARE: 0-17FF
*
MULTIPLY START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   MULTIPLY+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MULTIPLY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* Short operands, long product
         LD    0,ONES
         LD    2,ONES
         LE    0,S2
         TM    FF,X'FF'                CC 3
         ME    0,S3                    2 * 3 = 6: X'4160000000000000'
         BAL   14,REC
         LE    0,SMAX
         LE    4,SMAX
         TM    FF,X'FF'
         MER   0,4                     exact 48-bit product
         BAL   14,REC
         LE    0,SUNN
         ME    0,S1                    an unnormalized operand
         BAL   14,REC
         LE    0,SNEG
         ME    0,S3                    minus
         BAL   14,REC
         LE    0,SZERO
         ME    0,SNEG                  a zero operand: true zero
         BAL   14,REC
         LE    4,SPI
         MER   4,4                     the same register
         BAL   14,REC
* Long
         LD    0,L1P
         MD    0,L1P                   truncated product
         BAL   14,REC
         LD    0,LPI
         LD    4,LE
         MDR   0,4
         BAL   14,REC
         LD    0,LNEG
         LD    4,LE
         MDR   0,4
         BAL   14,REC
         LD    0,LUNN
         MD    0,LPI                   an unnormalized operand
         BAL   14,REC
         LD    0,LMAX
         MD    0,LMAX
         BAL   14,REC
         LD    0,LPI
         MD    0,LZERO45               zero fraction: true zero
         BAL   14,REC
* Long operands, extended product
         LD    0,LPI
         LD    2,ONES
         LD    4,LE
         TM    FF,X'FF'
         MXDR  0,4                     pair 0-2
         BAL   14,REC
         LD    4,LMAX
         LD    6,ONES
         MXD   4,LMAX                  pair 4-6
         STD   4,XRES
         STD   6,XRES+8
         BAL   14,REC
         LD    0,LNEG
         LD    2,LUNN
         MXDR  0,2                     R2 2: the low-order register of the pair
         BAL   14,REC
         LD    0,LUNN
         MXD   0,LNEG                  an unnormalized operand
         BAL   14,REC
* Extended
         LD    0,XAH
         LD    2,XAL
         LD    4,XBH
         LD    6,XBL
         TM    FF,X'FF'
         MXR   0,4
         BAL   14,REC
         LD    0,XAH
         LD    2,XAL
         LD    4,XCH
         LD    6,XCL
         MXR   4,0                     into the pair 4-6; unnormalized operand
         STD   4,XRES+16
         STD   6,XRES+24
         BAL   14,REC
         LD    0,XMH
         LD    2,XML
         MXR   0,0                     the same pair
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
S1       DC    E'1'
S2       DC    E'2'
S3       DC    E'3'
SNEG     DC    E'-1.5'
SMAX     DC    X'40FFFFFF'
SUNN     DC    X'44000123'
SZERO    DC    X'00000000'
SPI      DC    X'C13243F7'
L1P      DC    X'4110000000000001'
LPI      DC    X'413243F6A8885A30'
LE       DC    X'412B7E151628AED2'
LNEG     DC    X'C2ABCDEF01234567'
LUNN     DC    X'4300000000789ABC'
LMAX     DC    X'40FFFFFFFFFFFFFF'
LZERO45  DC    X'4500000000000000'
XAH      DC    X'413243F6A8885A30'     pi to 28 digits
XAL      DC    X'338D313198A2E037'
XBH      DC    X'412B7E151628AED2'     e to 28 digits
XBL      DC    X'33A6ABF7158809CF'
XCH      DC    X'C400000000000012'     unnormalized, minus
XCL      DC    X'0034567890ABCDEF'
XMH      DC    X'40FFFFFFFFFFFFFF'
XML      DC    X'32FFFFFFFFFFFFFF'
         DS    0D
FPRS     DS    4D
XRES     DS    4D
         DS    0D
DONE     DC    X'000A000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MULTIPLY+X'E00'
PLOG     DS    64F                     interruption log
         ORG   MULTIPLY+X'1000'
LOG      DS    512F                    result log
         END
