* Exponent underflow (code X'0D'): the result characteristic would be below zero
* and the fraction is not zero.  With the exponent-underflow mask (program-mask
* bit 2) one, the result with its characteristic 128 larger is stored, the CC set
* (ADD and SUBTRACT) and the program interruption taken; with the mask zero the
* result is a true zero and there is no interruption.  SE, ADR, AXR, SER (ADD,
* SUBTRACT), MER, MD, MXDR, MXR, DE, DDR, HER, HDR; an extended sum whose
* low-order characteristic wraps around (no exception).  Four passes: BC mode
* with program mask 0 and 2, EC mode with D (the mask bit zero, the others one)
* and F.
* GA22-7000 ch.9 "Exponent-Underflow Exception", the exceptions of each
* instruction; ch.6 "Program Interruption", "Program Mask".  The log at X'1000'
* has 32 bytes an entry (REC): R14 from BAL (ILC, CC, program mask), four zero
* bytes, FPR 0, FPR 2, FPR 4; the interruption log at X'1800' 16 bytes: the
* program old PSW, 140-147.
* COMPARE: 0-1BFF
*
EXPUNDER START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXPUNDER+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXPUNDER+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         L     13,=A(PLOG)             R13: interruption log
         SR    1,1
         SPM   1                       BC mode, program mask 0
         BAL   9,CASES
         L     1,=X'02000000'
         SPM   1                       BC mode, program mask 2: underflow on
         BAL   9,CASES
         LPSW  ECPSW                   EC mode
ECMODE   L     1,=X'0D000000'
         SPM   1                       program mask D: underflow off
         BAL   9,CASES
         L     1,=X'0F000000'
         SPM   1                       program mask F
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
         LE    0,SMIN1
         LA    11,C1
         SE    0,SMIN                  X'00100001' - X'00100000'
C1       BAL   14,REC
         LD    0,LMIN1
         LD    4,LNMIN
         LA    11,C2
         ADR   0,4
C2       BAL   14,REC
         LD    0,LMIN
         LD    2,XLOW1
         LD    4,LNMIN
         LD    6,XLOW0
         LA    11,C3
         AXR   0,4                     extended: 16**-92
C3       BAL   14,REC
         LD    0,ONES
         LE    0,SNA
         LE    4,SNB
         LA    11,C4
         SER   0,4                     minus
C4       BAL   14,REC
         LD    0,ONES
         LE    0,SSMALL
         LE    4,SSMALL
         LA    11,C5
         MER   0,4
C5       BAL   14,REC
         LD    0,LSMALL
         LA    11,C6
         MD    0,LNSMALL               minus
C6       BAL   14,REC
         LD    0,LSMALL
         LD    4,LSMALL
         LA    11,C7
         MXDR  0,4
C7       BAL   14,REC
         LD    0,LSMALL
         LD    2,XLOW1
         LD    4,LNSMALL
         LD    6,XLOW1
         LA    11,C8
         MXR   0,4
C8       BAL   14,REC
         LD    0,ONES
         LE    0,SMIN
         LA    11,C9
         DE    0,S2
C9       BAL   14,REC
         LD    0,LNMIN
         LD    4,LBIG
         LA    11,C10
         DDR   0,4
C10      BAL   14,REC
         LD    0,ONES
         LE    4,SMIN
         LA    11,C11
         HER   0,4
C11      BAL   14,REC
         LD    4,LNMIN
         LA    11,C12
         HDR   0,4
C12      BAL   14,REC
         LD    0,XLOWH
         LD    2,XLOW0
         LD    4,XLOWH
         LD    6,XLOW0
         LA    11,C13
         AXR   0,4                     no underflow: low-order characteristic wraps
C13      BAL   14,REC
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
SMIN     DC    X'00100000'
SMIN1    DC    X'00100001'
SNA      DC    X'81123455'
SNB      DC    X'81123456'
SSMALL   DC    X'20100000'
S2       DC    E'2'
LMIN     DC    X'0010000000000000'
LMIN1    DC    X'0010000000000001'
LNMIN    DC    X'8010000000000000'
LSMALL   DC    X'2012345678123456'
LNSMALL  DC    X'A0ABCDEF00000001'
LBIG     DC    X'4410000000000000'
XLOW0    DC    X'0000000000000000'
XLOW1    DC    X'0000000000000001'
XLOWH    DC    X'0510000000000000'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXPUNDER+X'1000'
LOG      DS    512F                    result log
         ORG   EXPUNDER+X'1800'
PLOG     DS    256F                    interruption log
         END
