* LOAD POSITIVE/NEGATIVE/AND TEST/COMPLEMENT (LPR, LNR, LTR, LCR), LOAD (LR).
* GA22-7000 ch.7. LPR and LCR of -2**31 overflow (CC 3, mask off); LNR never overflows.
* COMPARE: 0-FFF
*
LOADSIGN START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOADSIGN+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOADSIGN+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=F'-17'
         LPR   1,2                     17: CC 2
         BAL   14,REC
         L     2,=X'80000000'
         LPR   1,2                     overflow: CC 3, X'80000000'
         BAL   14,REC
         SR    2,2
         LPR   1,2                     0: CC 0
         BAL   14,REC
         L     2,=F'17'
         LNR   1,2                     -17: CC 1
         BAL   14,REC
         L     2,=X'80000000'
         LNR   1,2                     -2**31: CC 1
         BAL   14,REC
         SR    2,2
         LNR   1,2                     0: CC 0
         BAL   14,REC
         L     2,=F'-3'
         LTR   1,2                     CC 1
         BAL   14,REC
         LTR   1,1                     CC 1
         BAL   14,REC
         SR    2,2
         LTR   1,2                     CC 0
         BAL   14,REC
         L     2,=F'9'
         LCR   1,2                     -9: CC 1
         BAL   14,REC
         L     2,=F'-9'
         LCR   1,2                     9: CC 2
         BAL   14,REC
         L     2,=X'80000000'
         LCR   1,2                     overflow: CC 3
         BAL   14,REC
         SR    2,2
         LCR   1,2                     0: CC 0
         BAL   14,REC
         L     2,=F'44'
         LR    1,2                     CC unchanged
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
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADSIGN+X'A00'
LOG      DS    128F                    result log
         ORG   LOADSIGN+X'C00'
PLOG     DS    64F                     interruption log
         END
