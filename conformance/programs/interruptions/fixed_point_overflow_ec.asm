* Fixed-point overflow with the mask on (EC mode): code 8, the result stored.
* GA22-7000 ch.6 "Fixed-Point-Overflow Exception": the operation is completed.
* COMPARE: 0-FFF
*
FIXEDPOI START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   FIXEDPOI+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   FIXEDPOI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'08000000'          SPM: program mask 1000 (fixed-point overflow)
         SPM   1
         L     1,=X'7FFFFFFF'
         LA    11,X1
         A     1,=F'1'
X1       L     2,=X'80000000'
         LA    11,X2
         SR    2,1                     -2**31 - (-2**31)? R1 is X'80000000': 0, no overflow
X2       LA    11,X3
         S     2,=F'-2147483648'       0 + 2**31: overflow
X3       LA    11,X4
         LPR   3,2                     R2 = X'80000000': overflow
X4       LA    11,X5
         LCR   4,2                     overflow
X5       LA    11,X6
         AH    2,=H'-1'                X'80000000' - 1: overflow
X6       LA    11,X7
         LM    5,6,BIG
         SLDA  5,2                     overflow
X7       LA    11,X8
         L     7,=X'20000000'
         SLA   7,2                     overflow
X8       LA    11,X9
         L     8,=X'10000000'
         SLA   8,2                     no overflow
X9       STM   1,8,RES
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
         DS    0D
BIG      DC    X'3000000000000001'
RES      DS    8F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   FIXEDPOI+X'A00'
LOG      DS    128F                    result log
         ORG   FIXEDPOI+X'C00'
PLOG     DS    64F                     interruption log
         END
