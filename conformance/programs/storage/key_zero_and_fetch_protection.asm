* Storage key 0 blocks and fetch protection seen from the problem state with key 8.
* GA22-7000 ch.3 "Key-Controlled Protection": a nonzero PSW key may not store into a key-0
* block; fetch protection prohibits fetches by keys other than the block's (and 0).
* COMPARE: 0-5FFF
*
KEYZEROA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   KEYZEROA+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   KEYZEROA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   KEYZEROA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'3000')
         LA    3,X'88'                 key 8, fetch protected
         SSK   3,2
         L     4,=A(X'4000')
         LA    3,X'98'                 key 9, fetch protected
         SSK   3,4
         L     5,=A(X'5000')           key 0 (not fetch protected)
         LA    11,BACK
         LPSW  PROB
P        MVC   0(8,2),=C'KEY8DATA'     allowed
         MVC   8(8,2),0(5)             fetch key 0 block: allowed
         MVC   16(8,2),0(4)            fetch key 9 block: protection
         MVC   0(8,5),0(2)             store into key 0 block: protection
         MVC   0(8,4),0(2)             store into key 9 block: protection
         SVC   1
BACK     DS    0H
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then resume the interrupted program (its old PSW)
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         LPSW  40(0)
* SVCH: record the SVC old PSW and the SVC ILC and code, then continue
* in the supervisor state at the address in R11
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0D
PROB     DC    X'00810000',A(P)        problem state, key 8
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   KEYZEROA+X'A00'
LOG      DS    128F                    result log
         ORG   KEYZEROA+X'C00'
PLOG     DS    64F                     interruption log
         ORG   KEYZEROA+X'4000'
         DC    C'KEY9DATA'
         ORG   KEYZEROA+X'5000'
         DC    C'KEY0DATA'
         END
