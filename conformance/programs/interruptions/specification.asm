* Specification exceptions: odd register pairs, misaligned operands, bad masks (code 6).
* GA22-7000 ch.6 "Specification Exception": the operation is suppressed.
* COMPARE: 0-FFF
*
SPECIFIC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SPECIFIC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SPECIFIC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         M     3,=F'2'                 odd R1
X1       LA    11,X2
         D     1,=F'2'
X2       LA    11,X3
         DR    5,6
X3       LA    11,X4
         SLDA  1,2
X4       LA    11,X5
         SRDL  3,2
X5       LA    11,X6
         MVCL  1,2
X6       LA    11,X7
         CLCL  2,3
X7       LA    11,X8
         CDS   1,2,DW
X8       LA    11,X9
         CDS   2,3,DW                  odd R3
X9       LA    11,X10
         CS    2,3,DW+2                not on a word boundary
X10      LA    11,X11
         CDS   2,4,DW+4                not on a doubleword boundary
X11      LA    11,X12
         LPSW  DW+4                    not on a doubleword boundary
X12      LA    11,X13
         LCTL  0,0,DW+2
X13      LA    11,X14
         STCTL 0,0,DW+1
X14      LA    11,X15
         SPX   DW+2
X15      LA    11,X16
         STPX  DW+1
X16      LA    11,X17
         SCKC  DW+4
X17      LA    11,X18
         SPT   DW+4
X18      LA    11,X19
         STPT  DW+2
X19      LA    11,X20
         MC    0,X'10'                 monitor class above 15
X20      DS    0H
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
DW       DC    X'00000000FFFFFFFF'
         DC    D'0'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SPECIFIC+X'A00'
LOG      DS    128F                    result log
         ORG   SPECIFIC+X'C00'
PLOG     DS    64F                     interruption log
         END
