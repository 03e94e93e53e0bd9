* Floating-point specification exceptions (code 6): a register field other than
* 0, 2, 4, 6 (odd, 8 and above), and for an extended operand or product one other
* than 0 or 4.  The operation is suppressed: the registers, the storage operand
* and the CC (set to 3) are unchanged; the exception is recognized before the
* storage operand is accessed (an operand beyond storage gives no addressing
* exception).  LD, LE, STD, STE, LDR, LER, ADR, AER, CD, LCDR, HDR, LRER, AXR,
* SXR, MXR, MXDR, MXD, LRDR; and the valid uses of register 2 by LRDR (R1) and
* MXDR (R2).  Two passes: BC mode, then EC mode.
* GA22-7000 ch.9 "Floating-Point Registers", "Extended Operands", the program
* exceptions of each instruction; ch.6 "Specification Exception".  The log at
* X'1000' has 32 bytes an entry (REC): R14 from BAL (ILC, CC, program mask), four
* zero bytes, FPR 0, FPR 2, FPR 4; the interruption log at X'1800' 16 bytes: the
* program old PSW, 140-147.
* COMPARE: 0-1BFF
*
SPECFLT  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SPECFLT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SPECFLT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         L     13,=A(PLOG)             R13: interruption log
         L     15,=X'00FFF000'         R15: an address beyond storage
         BAL   9,CASES                 BC mode
         LPSW  ECPSW                   EC mode
ECMODE   BAL   9,CASES
         STD   0,FPRS                  the final registers
         STD   2,FPRS+8
         STD   4,FPRS+16
         STD   6,FPRS+24
         LPSW  DONE
*
* CASES: each case names in R11 where the program goes on after the
* interruption; the registers are loaded first and logged at the end; return
* by R9.
CASES    LD    0,VAL0
         LD    2,VAL2
         LD    4,VAL4
         LD    6,VAL6
         TM    FF,X'FF'                CC 3
         LA    11,C1
         LD    1,VAL0                  odd
C1       LA    11,C2
         LE    3,VAL0
C2       LA    11,C3
         STD   5,STORED                nothing stored
C3       LA    11,C4
         STE   7,STORED
C4       LA    11,C5
         LDR   0,1
C5       LA    11,C6
         LER   9,0
C6       LA    11,C7
         ADR   8,0                     register 8
C7       LA    11,C8
         AER   0,10
C8       LA    11,C9
         CD    12,VAL0
C9       LA    11,C10
         LCDR  11,0
C10      LA    11,C11
         HDR   0,5
C11      LA    11,C12
         LRER  2,3
C12      LA    11,C13
         LD    1,X'FF8'(0,15)          R15 X'FFF000': beyond storage, specification first
C13      LA    11,C14
         AXR   2,0                     extended pair 2
C14      LA    11,C15
         AXR   0,6
C15      LA    11,C16
         SXR   4,2
C16      LA    11,C17
         MXR   2,4
C17      LA    11,C18
         MXR   0,6
C18      LA    11,C19
         MXDR  2,0
C19      LA    11,C20
         MXDR  6,4
C20      LA    11,C21
         MXDR  0,1                     R2 odd
C21      LA    11,C22
         MXD   2,VAL0
C22      LA    11,C23
         MXD   6,VAL0
C23      LA    11,C24
         MXD   1,X'FF8'(0,15)
C24      LA    11,C25
         LRDR  0,2                     R2 pair 2
C25      LA    11,C26
         LRDR  0,6
C26      LA    11,C27
         LRDR  3,0                     R1 odd
C27      LA    11,C28
         AXR   8,0
C28      LA    11,C29
         MXR   4,12
C29      BAL   14,REC                  the registers unchanged, CC 3
         LD    4,VAL4
         LD    6,VAL6
         LA    11,C30
         LRDR  2,4                     valid: R1 2
C30      LA    11,C31
         MXDR  4,2                     valid: R2 2
C31      BAL   14,REC
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
VAL0     DC    D'1'
VAL2     DC    D'-2'
VAL4     DC    X'413243F6A8885A30'
VAL6     DC    X'338D313198A2E037'
STORED   DC    X'0000000000000000'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SPECFLT+X'1000'
LOG      DS    512F                    result log
         ORG   SPECFLT+X'1800'
PLOG     DS    256F                    interruption log
         END
