* Significance (code X'0E'): the result fraction of an ADD or SUBTRACT is zero.
* With the significance mask (program-mask bit 3) one, the zero fraction is kept
* with the characteristic of the intermediate result and the interruption is
* taken; with the mask zero the result is a true zero, no interruption.  The CC is
* 0 either way.  Normalized AER, AE, ADR, AD, AXR, SER, SE, SDR, SD, SXR; unnormalized
* AUR, AU, AWR, AW, SUR, SU, SWR, SW; a zero fraction from the guard digit dropped
* (unnormalized) and from two zero operands.  Four passes: BC mode with program
* mask 0 and 1, EC mode with E (the mask bit zero, the others one) and F.
* GA22-7000 ch.9 "Significance Exception", the exceptions of each instruction;
* ch.6 "Program Interruption", "Program Mask".  The log at X'1000' has 32 bytes an
* entry (REC): R14 from BAL (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2,
* FPR 4; the interruption log at X'1800' 16 bytes: the program old PSW, 140-147.
* COMPARE: 0-1FFF
*
SIGNIFIC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SIGNIFIC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SIGNIFIC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         L     13,=A(PLOG)             R13: interruption log
         SR    1,1
         SPM   1                       BC mode, program mask 0
         BAL   9,CASES
         L     1,=X'01000000'
         SPM   1                       BC mode, program mask 1: significance on
         BAL   9,CASES
         LPSW  ECPSW                   EC mode
ECMODE   L     1,=X'0E000000'
         SPM   1                       program mask E: significance off
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
         LE    0,S1
         LE    4,SNEG
         LA    11,C1
         AER   0,4                     1 + -1
C1       BAL   14,REC
         LE    0,S100
         LA    11,C2
         AE    0,SN100
C2       BAL   14,REC
         LD    0,LPI
         LD    4,LNPI
         LA    11,C3
         ADR   0,4
C3       BAL   14,REC
         LD    0,LNPI
         LA    11,C4
         AD    0,LPI
C4       BAL   14,REC
         LD    0,LPI
         LD    2,XLOW
         LD    4,LNPI
         LD    6,XLOW
         LA    11,C5
         AXR   0,4
C5       BAL   14,REC
         LD    0,ONES
         LE    0,S100
         LE    4,S100
         LA    11,C6
         SER   0,4
C6       BAL   14,REC
         LE    0,SUNN
         LA    11,C7
         SE    0,S1                    X'42010000' - 1: the larger characteristic
C7       BAL   14,REC
         LD    0,LPI
         LD    4,LPI
         LA    11,C8
         SDR   0,4
C8       BAL   14,REC
         LD    0,LNPI
         LA    11,C9
         SD    0,LNPI
C9       BAL   14,REC
         LD    0,LPI
         LD    2,XLOW
         LD    4,LPI
         LD    6,XLOW
         LA    11,C10
         SXR   0,4
C10      BAL   14,REC
         LD    0,ONES
         LE    0,SZ44
         LE    4,SZ42
         LA    11,C11
         AER   0,4                     two zero fractions
C11      BAL   14,REC
         LE    0,S1
         LE    4,SNEG
         LA    11,C12
         AUR   0,4
C12      BAL   14,REC
         LE    0,SUNN
         LA    11,C13
         AU    0,SNEG
C13      BAL   14,REC
         LD    0,LPI
         LD    4,LNPI
         LA    11,C14
         AWR   0,4
C14      BAL   14,REC
         LD    0,LNPI
         LA    11,C15
         AW    0,LPI
C15      BAL   14,REC
         LD    0,ONES
         LE    0,S100
         LE    4,S100
         LA    11,C16
         SUR   0,4
C16      BAL   14,REC
         LE    0,S1
         LA    11,C17
         SU    0,SALMOST               the guard digit dropped: zero
C17      BAL   14,REC
         LD    0,LPI
         LD    4,LPI
         LA    11,C18
         SWR   0,4
C18      BAL   14,REC
         LD    0,L1
         LA    11,C19
         SW    0,LALMOST               the guard digit dropped: zero
C19      BAL   14,REC
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
S1       DC    E'1'
SNEG     DC    E'-1'
S100     DC    E'100'
SN100    DC    E'-100'
SUNN     DC    X'42010000'
SZ44     DC    X'44000000'
SZ42     DC    X'C2000000'
SALMOST  DC    X'40FFFFFF'
L1       DC    D'1'
LALMOST  DC    X'40FFFFFFFFFFFFFF'
LPI      DC    X'413243F6A8885A30'
LNPI     DC    X'C13243F6A8885A30'
XLOW     DC    X'338D313198A2E037'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SIGNIFIC+X'1000'
LOG      DS    768F                    result log
         ORG   SIGNIFIC+X'1C00'
PLOG     DS    256F                    interruption log
         END
