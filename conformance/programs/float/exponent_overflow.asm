* Exponent overflow (code X'0C'): the result characteristic would exceed 127.  The
* operation is completed: the result, its characteristic 128 smaller than the
* correct one, is stored and (for ADD and SUBTRACT) the CC set, then the program
* interruption, whatever the program mask.  AER, AD, SDR, AXR (normalized),
* AUR, SW (unnormalized: a carry out of the fraction), ME, MDR, MXDR, MXR, DER, DD,
* LRER, LRDR.  Four passes: BC mode with program mask 0 and F, then EC mode with 0
* and F.
* GA22-7000 ch.9 "Exponent-Overflow Exception", the exceptions of each
* instruction; ch.6 "Program Interruption".  The log at X'1000' has 32 bytes an
* entry (REC): R14 from BAL (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2,
* FPR 4; the interruption log at X'1800' 16 bytes: the program old PSW, 140-147.
* COMPARE: 0-1BFF
*
EXPOVER  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXPOVER+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXPOVER+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         L     13,=A(PLOG)             R13: interruption log
         SR    1,1
         SPM   1                       BC mode, program mask 0
         BAL   9,CASES
         L     1,=X'0F000000'
         SPM   1                       BC mode, program mask F
         BAL   9,CASES
         LPSW  ECPSW                   EC mode, program mask 0
ECMODE   BAL   9,CASES
         L     1,=X'0F000000'
         SPM   1                       EC mode, program mask F
         BAL   9,CASES
         STD   0,FPRS                  the final registers
         STD   2,FPRS+8
         STD   4,FPRS+16
         STD   6,FPRS+24
         LPSW  DONE
*
* CASES: each case loads its operands, names in R11 where the program goes on
* after the interruption, and records the result (REC); return by R9.
CASES    LD    0,ONES
         LE    0,SMAX
         LE    4,SMAX
         LA    11,C1
         AER   0,4                     X'7FFFFFFF' twice
C1       BAL   14,REC
         LD    0,LMAX
         LA    11,C2
         AD    0,LMAX
C2       BAL   14,REC
         LD    0,LHALF
         LD    4,LNHALF
         LA    11,C3
         SDR   0,4                     X'7F8...' - X'FF8...'
C3       BAL   14,REC
         LD    0,LMAX
         LD    2,LMAX
         LD    4,LMAX
         LD    6,LMAX
         LA    11,C4
         AXR   0,4                     extended
C4       BAL   14,REC
         LD    0,ONES
         LE    0,SMAX
         LE    4,SUNN
         LA    11,C5
         AUR   0,4                     unnormalized: a carry
C5       BAL   14,REC
         LD    0,LNMAX
         LA    11,C6
         SW    0,LUNN                  unnormalized, minus
C6       BAL   14,REC
         LD    0,ONES
         LE    0,SBIG
         LA    11,C7
         ME    0,S16                   short operands, long product
C7       BAL   14,REC
         LD    0,LMAX
         LD    4,LBIG
         LA    11,C8
         MDR   0,4
C8       BAL   14,REC
         LD    0,LBIG
         LD    4,LNBIG
         LA    11,C9
         MXDR  0,4                     extended product
C9       BAL   14,REC
         LD    0,LMAX
         LD    2,LMAX
         LD    4,LBIG
         LD    6,LMAX
         LA    11,C10
         MXR   0,4
C10      BAL   14,REC
         LD    0,ONES
         LE    0,SBIG
         LE    4,STINY
         LA    11,C11
         DER   0,4
C11      BAL   14,REC
         LD    0,LNMAX
         LA    11,C12
         DD    0,LTINY                 minus
C12      BAL   14,REC
         LD    0,ONES
         LD    4,LRMAX
         LA    11,C13
         LRER  0,4                     rounding carries out of X'7FFFFF'
C13      BAL   14,REC
         LD    4,LMAX
         LD    6,XRL
         LA    11,C14
         LRDR  0,4
C14      BAL   14,REC
         BR    9
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
ECPSW    DC    X'00080000',A(ECMODE)
ONES     DC    X'FFFFFFFFFFFFFFFF'
SMAX     DC    X'7FFFFFFF'
SUNN     DC    X'7F000001'
SBIG     DC    X'7F100000'
S16      DC    X'42100000'
STINY    DC    X'00100000'
LMAX     DC    X'7FFFFFFFFFFFFFFF'
LHALF    DC    X'7F80000000000000'
LNHALF   DC    X'FF80000000000000'
LNMAX    DC    X'FFFFFFFFFFFFFFFF'
LUNN     DC    X'7F00000000000001'
LBIG     DC    X'7F12345678000000'
LNBIG    DC    X'C2ABCDEF00000000'
LTINY    DC    X'3E12345600000000'
LRMAX    DC    X'7FFFFFFF80000000'
XRL      DC    X'7180000000000000'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXPOVER+X'1000'
LOG      DS    512F                    result log
         ORG   EXPOVER+X'1800'
PLOG     DS    256F                    interruption log
         END
