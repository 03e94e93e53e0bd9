* MOVE TO PRIMARY and MOVE TO SECONDARY (MVCP, MVCS) with DAT off: special operation.
* GA22-7000 ch.10 "Move to Primary", "Move to Secondary": a special-operation exception
* (code X'13', suppressed) when DAT is off or the secondary-space control (CR0 bit 5) is
* zero, in both states; in the problem state the PSW-key-mask test (CR3 bit per key,
* privileged-operation exception) comes after it, so a refused key with DAT off is still a
* special operation. Nothing moves (the targets keep their bytes).
* COMPARE: 0-FFF
*
MVCPOFF  START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   MVCPOFF+X'60'
         DC    X'00080000',A(SVCH)     supervisor-call new PSW
         ORG   MVCPOFF+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MVCPOFF+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    2,TARGET
         LA    4,SOURCE
         LA    1,8                     true length 8
         LA    3,X'50'                 secondary key 5
         LCTL  3,3,CR3ALL              PSW-key mask: every key
         MVCP  0(1,2),0(4),3           supervisor, CR0 bit 5 zero: special operation
         LCTL  0,0,CR0SS               secondary-space control on, DAT still off
         MVCS  0(1,2),0(4),3           supervisor: special operation
         MVCP  0(1,2),0(4),3           supervisor: special operation
         SR    1,1
         MVCP  0(1,2),0(4),3           length 0: still a special operation
         LA    1,8
         LCTL  3,3,CR3KEY0             PSW-key mask: key 0 only
         LA    11,BACK
         LPSW  PROB
P        MVCP  0(1,2),0(4),3           key 5 refused, DAT off: special operation
         MVCS  0(1,2),0(4),3           the same
         LA    3,X'00'                 secondary key 0: allowed
         MVCP  0(1,2),0(4),3           DAT off: special operation
         LTR   1,1                     CC 2
         BAL   14,REC
         SVC   1                       back to the supervisor state
BACK     STCTL 0,0,RES
         STCTL 3,3,RES+4
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
         DS    0F
CR3ALL   DC    X'FFFF0000'
CR3KEY0  DC    X'80000000'
CR0SS    DC    X'04800000'             CR0 bit 5; 4K pages, 64K segments
RES      DS    2F
SOURCE   DC    C'SOURCE!!'
TARGET   DC    C'TARGET..'
         DS    0D
PROB     DC    X'00090000',A(P)
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MVCPOFF+X'A00'
LOG      DS    128F                    result log
         ORG   MVCPOFF+X'C00'
PLOG     DS    64F                     interruption log
         END
