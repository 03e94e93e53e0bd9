* SPKA with every key in the problem state (EC mode): the PSW-key mask in CR3 decides.
* GA22-7000 ch.10 "Set PSW Key From Address": in the problem state the key (bits 24-27 of
* the address) must have a one in its bit of the PSW-key mask (CR3 bits 0-15), else a
* privileged-operation exception (code 2) and the key is unchanged. IPK (extraction
* authority on, CR0 bit 4) shows the key: R2 bits 24-27, bits 28-31 zero.
* COMPARE: 0-FFF
*
PSWKEYMA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   PSWKEYMA+X'60'
         DC    X'00080000',A(SVCH)     supervisor-call new PSW
         ORG   PSWKEYMA+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   PSWKEYMA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  3,3,PKM                 keys 0, 2, 3, 5, 7, 8, 9, 14, 15
         LCTL  0,0,EXTAUTH             extraction authority on
         SR    6,6                     R6-R7: the keys seen by IPK, a nibble each
         SR    7,7
         SR    3,3                     R3: the key to set, in bits 24-27
         LA    11,BACK
         LPSW  PROB                    problem state, key 9
LOOP     SPKA  0(3)                    key R3 if the mask allows it
         SR    2,2
         IPK
         SRL   2,4
         SLDL  6,4
         OR    7,2
         LA    3,16(0,3)
         CH    3,=H'256'
         BL    LOOP
         LCTL  0,0,NOAUTH              privileged: an exception, nothing loaded
         L     2,=X'ABCDEF12'
         SPKA  X'F0'
         IPK                           with the key 15: R2 = X'ABCDEFF0'
         LR    8,2
         SVC   7                       back to the supervisor state
BACK     STM   6,8,RES
         LCTL  0,0,NOAUTH              extraction authority off
         LA    11,BACK2
         LPSW  PROB2
P2       L     2,=X'11111111'
         IPK                           privileged-operation exception
         LR    9,2
         SVC   8
BACK2    ST    9,RES+12
         STCTL 0,0,RES+16
         STCTL 3,3,RES+20
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
PROB     DC    X'00990000',A(LOOP)     EC mode, key 9, problem state
PROB2    DC    X'00990000',A(P2)
PKM      DC    X'B5C30000'
EXTAUTH  DC    X'08000000'
NOAUTH   DC    X'00000000'
RES      DS    6F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PSWKEYMA+X'A00'
LOG      DS    128F                    result log
         ORG   PSWKEYMA+X'C00'
PLOG     DS    64F                     interruption log
         END
