* MOVE WITH KEY (MVCK): source key from R3, true length in R1, CC 3 beyond 256 bytes.
* GA22-7000 ch.10 "Move with Key": the source is fetched with the key in R3 bits 24-27, the
* destination stored with the PSW key. In the problem state the key must be allowed by the
* PSW-key mask (CR3), otherwise a privileged-operation exception.
* COMPARE: 0-1FFF
*
MOVEWITH START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MOVEWITH+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   MOVEWITH+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MOVEWITH+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'1000')
         LA    3,X'58'                 source block: key 5, fetch protected
         SSK   3,2
         L     4,=A(X'1800')           destination block (key 0)
         LA    1,16
         LA    3,X'50'
         MVCK  0(1,4),0(2),3           key 5: CC 0
         BAL   14,REC
         LA    3,X'60'
         LA    11,X1
         MVCK  32(1,4),0(2),3          key 6: protection
X1       SR    1,1
         LA    3,X'50'
         MVCK  64(1,4),0(2),3          length 0: CC 0
         BAL   14,REC
         L     1,=F'300'
         MVCK  256(1,4),0(2),3         256 moved: CC 3
         BAL   14,REC
         LA    1,5
         LCTL  3,3,PKM0                no key allowed in the problem state
         LA    11,BACK
         LPSW  PROB
P1       MVCK  600(1,4),0(2),3         key 5 not allowed: privileged operation
         LCTL  3,3,PKM5                (LCTL is privileged too)
         SVC   0
BACK     LCTL  3,3,PKM5
         LA    11,OUT
         LPSW  PROB2
P2       MVCK  640(1,4),0(2),3         key 5 allowed: CC 0
         SVC   0
OUT      DS    0H
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
* SVCH: record the SVC old PSW and the SVC ILC and code, then continue
* in the supervisor state at the address in R11
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0D
PROB     DC    X'00010000',A(P1)
PROB2    DC    X'00010000',A(P2)
PKM0     DC    X'00000000'
PKM5     DC    X'04000000'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVEWITH+X'A00'
LOG      DS    128F                    result log
         ORG   MOVEWITH+X'C00'
PLOG     DS    64F                     interruption log
         ORG   MOVEWITH+X'1000'
         DC    C'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
         DC    64C'abcd'
         DC    64C'EFGH'
         ORG   MOVEWITH+X'1800'
         DC    X'00'
         END
