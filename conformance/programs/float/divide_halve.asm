* DIVIDE and HALVE (BC mode): DER, DE, DDR, DD, HER, HDR.  Operands are
* normalized before the division; the quotient is normalized and truncated, the
* remainder dropped; a zero dividend gives a true zero.  HALVE shifts the
* fraction right one bit and normalizes; a zero fraction gives a true zero.  The
* short forms keep the rightmost 32 bits of R1.  CC unchanged (set to 3).
* GA22-7000 ch.9 "Divide", "Halve".  Program mask 0.  The log at X'1000' has 32
* bytes an entry (REC): R14 from BAL (ILC, CC, program mask), four zero bytes,
* FPR 0, FPR 2, FPR 4.
* COMPARE: 0-17FF
*
DIVHALVE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DIVHALVE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DIVHALVE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* Short
         LD    0,ONES
         LD    2,ONES
         LE    0,S6
         TM    FF,X'FF'                CC 3
         DE    0,S2                    6 / 2 = 3
         BAL   14,REC
         LE    0,S1
         LE    4,S3
         DER   0,4                     1 / 3 = X'40555555'
         BAL   14,REC
         LE    0,SNEG6
         DE    0,S2                    -3
         BAL   14,REC
         LE    0,SNEG6
         DE    0,SNEG6                 minus / minus: 1
         BAL   14,REC
         LE    0,S1
         DE    0,SUNN                  an unnormalized divisor
         BAL   14,REC
         LE    0,SUNN
         DE    0,S3                    an unnormalized dividend
         BAL   14,REC
         LE    0,SZERO45
         DE    0,S3                    a zero dividend: true zero
         BAL   14,REC
         LE    0,SMAX
         DE    0,SMIN1                 a large quotient
         BAL   14,REC
         LE    4,SPI
         DER   4,4                     the same register: 1
         BAL   14,REC
* Long
         LD    0,L1
         DD    0,L3                    1 / 3
         BAL   14,REC
         LD    0,LPI
         LD    4,LE
         DDR   0,4
         BAL   14,REC
         LD    0,LE
         LD    4,LPI
         DDR   0,4                     a quotient below 1
         BAL   14,REC
         LD    0,LNEG
         DD    0,LUNN                  an unnormalized divisor, signs differ
         BAL   14,REC
         LD    0,LMAX
         DD    0,LMAX                  exactly 1
         BAL   14,REC
         LD    0,LZERO
         DD    0,LPI                   true zero
         BAL   14,REC
* HALVE
         LD    0,ONES
         LE    4,S2
         TM    FF,X'FF'
         HER   0,4                     2 / 2 = 1
         BAL   14,REC
         LE    4,S1
         HER   0,4                     X'40800000'
         BAL   14,REC
         LE    4,SNEG6
         HER   0,4
         BAL   14,REC
         LE    4,SUNN
         HER   0,4                     unnormalized: the result normalized
         BAL   14,REC
         LE    4,SZERO45
         HER   0,4                     zero fraction: true zero
         BAL   14,REC
         LD    4,LODD
         HDR   0,4                     the bit shifted into the guard digit
         BAL   14,REC
         LD    4,LNEG
         HDR   0,4
         BAL   14,REC
         LD    4,LPI
         HDR   4,4                     the same register
         BAL   14,REC
         LD    4,LUNN
         HDR   0,4
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
S6       DC    E'6'
SNEG6    DC    E'-6'
SUNN     DC    X'43000300'
SZERO45  DC    X'45000000'
SMAX     DC    X'7FFFFFFF'
SMIN1    DC    X'41FFFFFF'
SPI      DC    X'413243F7'
L1       DC    D'1'
L3       DC    D'3'
LPI      DC    X'413243F6A8885A30'
LE       DC    X'412B7E151628AED2'
LNEG     DC    X'C2ABCDEF01234567'
LUNN     DC    X'4300000000789ABC'
LMAX     DC    X'40FFFFFFFFFFFFFF'
LZERO    DC    X'8000000000000000'
LODD     DC    X'4110000000000001'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIVHALVE+X'E00'
PLOG     DS    64F                     interruption log
         ORG   DIVHALVE+X'1000'
LOG      DS    512F                    result log
         END
