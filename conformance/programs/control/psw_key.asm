* SET PSW KEY FROM ADDRESS and INSERT PSW KEY (SPKA, IPK) in both states.
* GA22-7000 ch.10: SPKA takes the key from bits 24-27 of the address; in the problem state
* the PSW-key mask (CR3 bits 0-15) must allow it. IPK puts the key in bits 24-27 of R2
* (bits 28-31 zero, 0-23 unchanged); in the problem state it needs the extraction-authority
* control (CR0 bit 4). Otherwise: privileged-operation exception.
* COMPARE: 0-FFF
*
PSWKEY   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PSWKEY+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   PSWKEY+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PSWKEY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=X'AAAAAAAA'
         SPKA  X'70'
         IPK                           R2 = X'AAAAAA70'
         SPKA  0
         ST    2,RES
         SPKA  X'123'                  bits 24-27 of X'123': key 2
         IPK
         SPKA  0
         ST    2,RES+4
         LCTL  3,3,PKM2                key mask: key 2 only
         LA    11,BACK1
         LPSW  PROB1                   problem state, key 0
P1       SPKA  X'20'                   allowed
         L     2,=X'BBBBBBBB'
         IPK                           extraction authority off: privileged operation
         LR    7,2
         SPKA  X'30'                   key 3 not in the mask: privileged operation
         SVC   1
BACK1    STM   7,7,RES+8
         LCTL  0,0,EXTAUTH             extraction authority on
         LA    11,BACK2
         LPSW  PROB2
P2       IPK                           R2 = X'......00'
         LR    8,2
         SPKA  X'20'
         IPK
         LR    9,2
         SVC   2
BACK2    STM   8,9,RES+12
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
PROB1    DC    X'00010000',A(P1)
PROB2    DC    X'00010000',A(P2)
PKM2     DC    X'20000000'
EXTAUTH  DC    X'080000E0'
RES      DS    8F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PSWKEY+X'A00'
LOG      DS    128F                    result log
         ORG   PSWKEY+X'C00'
PLOG     DS    64F                     interruption log
         END
