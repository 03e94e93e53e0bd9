* Floating-point divide (code X'0F'): a divisor with a zero fraction.  The
* operation is suppressed: R1 and the CC (set to 3) are unchanged, whatever the
* program mask.  DER, DE, DDR, DD; a zero dividend too; a zero fraction of either
* sign and any characteristic; a short divisor whose register has a nonzero
* rightmost half.  Four passes: BC mode with program mask 0 and F, then EC mode
* with 0 and F.
* GA22-7000 ch.9 "Floating-Point-Divide Exception", "Divide"; ch.6 "Program
* Interruption".  The log at X'1000' has 32 bytes an entry (REC): R14 from BAL
* (ILC, CC, program mask), four zero bytes, FPR 0, FPR 2, FPR 4; the interruption
* log at X'1800' 16 bytes: the program old PSW, 140-147.
* COMPARE: 0-1BFF
*
DIVEXC   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DIVEXC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DIVEXC+X'200'
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
CASES    TM    FF,X'FF'                CC 3
         LD    0,L6
         LD    2,L3
         LD    4,LZERO
         LA    11,C1
         DER   0,4                     6 / 0
C1       BAL   14,REC
         LA    11,C2
         DE    0,SZ45                  a zero fraction, characteristic X'45'
C2       BAL   14,REC
         LD    4,LMZERO
         LA    11,C3
         DDR   0,4                     minus zero
C3       BAL   14,REC
         LA    11,C4
         DD    2,LZ7F
C4       BAL   14,REC
         LD    0,LZERO
         LA    11,C5
         DDR   0,4                     0 / 0
C5       BAL   14,REC
         LD    0,L6
         LD    4,LLOW
         LA    11,C6
         DER   0,4                     X'00000000 00000001': short zero
C6       BAL   14,REC
         LA    11,C7
         DD    0,LLOW                  long: not zero; exponent overflow instead
C7       BAL   14,REC
         LD    4,L3
         LD    0,LZ7F
         LA    11,C8
         DER   4,0                     minus zero divisor, R1 4
C8       BAL   14,REC
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
FF       DC    X'FF'
         DS    0D
ECPSW    DC    X'00080000',A(ECMODE)
SZ45     DC    X'45000000'
L6       DC    D'6'
L3       DC    D'3'
LZERO    DC    D'0'
LMZERO   DC    X'8000000000000000'
LZ7F     DC    X'FF00000000000000'
LLOW     DC    X'0000000000000001'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIVEXC+X'1000'
LOG      DS    512F                    result log
         ORG   DIVEXC+X'1800'
PLOG     DS    256F                    interruption log
         END
