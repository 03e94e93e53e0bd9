* SET PROGRAM MASK (SPM): CC and program mask from bits 2-7 of R1.
* GA22-7000 ch.7 "Set Program Mask". With the fixed-point-overflow mask on, an add that
* overflows is completed and interrupts (code 8, ILC 2 for A, 1 for AR).
* COMPARE: 0-FFF
*
SETPROGR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SETPROGR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SETPROGR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'3F000000'          CC 3, mask 1111
         SPM   1
         BAL   14,REC
         L     1,=X'10000000'          CC 1, mask 0000
         SPM   1
         BAL   14,REC
         L     1,=X'08FFFFFF'          CC 0, fixed-point overflow mask only
         SPM   1
         BAL   14,REC
         L     1,=X'7FFFFFFF'
         LA    11,R1
         A     1,=F'1'                 overflow: result stored, interruption
R1       ST    1,RES
         L     2,=X'80000000'
         LA    11,R2
         AR    2,2                     overflow: interruption, ILC 1
R2       ST    2,RES+4
         LA    11,R3
         LPR   3,2                     R2 = 0 after AR: no overflow
R3       L     3,=X'80000000'
         LA    11,R4
         LCR   4,3                     overflow
R4       STM   3,4,RES+8
         LA    11,R5
         L     5,=X'40000000'
         SLA   5,1                     shift overflow: interruption
R5       ST    5,RES+16
         LA    1,0
         SPM   1
         BAL   14,REC
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then continue at the address in R11
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         BR    11
*
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SETPROGR+X'A00'
LOG      DS    128F                    result log
         ORG   SETPROGR+X'C00'
PLOG     DS    64F                     interruption log
         END
