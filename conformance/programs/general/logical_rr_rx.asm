* AND, OR, EXCLUSIVE OR (NR, N, OR, O, XR, X): results and CC 0/1.
* GA22-7000 ch.7 "And", "Or", "Exclusive Or".
* COMPARE: 0-FFF
*
LOGICALR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOGICALR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOGICALR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'F0F0F0F0'
         N     1,=X'0F0F0F0F'          zero: CC 0
         BAL   14,REC
         L     1,=X'F0F0F0F0'
         N     1,=X'FF00FF00'          CC 1
         BAL   14,REC
         L     1,=X'12345678'
         L     2,=X'0000FFFF'
         NR    1,2                     X'00005678'
         BAL   14,REC
         SR    1,1
         O     1,=F'0'                 CC 0
         BAL   14,REC
         L     1,=X'80000000'
         O     1,=X'00000001'          CC 1
         BAL   14,REC
         L     2,=X'00FF0000'
         OR    1,2
         BAL   14,REC
         L     1,=X'AAAAAAAA'
         X     1,=X'FFFFFFFF'          X'55555555'
         BAL   14,REC
         XR    1,1                     zero: CC 0
         BAL   14,REC
         L     1,=X'0F0F0F0F'
         L     2,=X'0F0F0F0E'
         XR    1,2                     1: CC 1
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
         ORG   LOGICALR+X'A00'
LOG      DS    128F                    result log
         ORG   LOGICALR+X'C00'
PLOG     DS    64F                     interruption log
         END
