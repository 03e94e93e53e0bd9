* MVCP and MVCS in the problem state with DAT on: the PSW-key mask (CR3 bits 0-15).
* GA22-7000 ch.10 "Move to Primary", "Move to Secondary": in the problem state the
* operation is performed only if the CR3 PSW-key-mask bit for the secondary key (R3 bits
* 24-27) is one, otherwise a privileged-operation exception (code 2, suppressed). An
* allowed key still meets key-controlled protection: MVCS stores into the secondary space
* with that key (protection exception, code 4, nothing stored).
* COMPARE: 0-2FFF, 8000-9FFF
*
MVCPKEY  START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   MVCPKEY+X'60'
         DC    X'00080000',A(SVCH)     supervisor-call new PSW
         ORG   MVCPKEY+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MVCPKEY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS                 secondary-space control; CR1 primary table
         LCTL  3,3,CR3                 PSW-key mask: keys 0 and 2
         LCTL  7,7,CR7                 secondary segment table
         L     2,=A(X'4000')           primary page 4: frame X'8000'
         L     4,=A(X'4000')           secondary page 4: frame X'9000'
         LA    1,8                     true length 8
         LA    11,BACK
         LPSW  PROB                    problem state, DAT on
P        LA    3,X'50'                 key 5: not in the mask
         MVCP  0(1,2),0(4),3           privileged operation
         MVCS  0(1,4),0(2),3           privileged operation
         LA    3,X'20'                 key 2: in the mask
         MVCP  16(1,2),0(4),3          secondary to primary: CC 0
         BAL   14,REC
         MVCS  16(1,4),0(2),3          store with key 2 into key 0: protection
         LA    3,X'00'                 key 0: in the mask
         MVCS  32(1,4),0(2),3          primary to secondary: CC 0
         BAL   14,REC
         SVC   7                       back to the supervisor state
BACK     LPSW  DONE
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
* in the supervisor state (DAT off) at the address in R11
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0F
CRS      DC    X'04800000',A(SEGTAB)   CR0 bit 5; 4K pages, 64K segments
CR3      DC    X'A0000000'             keys 0 and 2
CR7      DC    A(SEGTAB2)
         DS    0D
PROB     DC    X'04090000',A(P)        EC, DAT on, problem state, key 0
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MVCPKEY+X'A00'
LOG      DS    128F                    result log
         ORG   MVCPKEY+X'C00'
PLOG     DS    64F                     interruption log
         ORG   MVCPKEY+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    15X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0080',11X'0008'
         ORG   MVCPKEY+X'2100'
SEGTAB2  DC    X'F0',AL3(PT0S)
         DC    15X'00000001'
PT0S     DC    X'0000',X'0010',X'0020',X'0030',X'0090',11X'0008'
         ORG   MVCPKEY+X'8000'
         DC    C'PRIMARY FRAME 8000'
         ORG   MVCPKEY+X'9000'
         DC    C'SECONDARY 9000'
         END
