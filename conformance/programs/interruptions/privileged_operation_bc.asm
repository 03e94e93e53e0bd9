* Privileged-operation exceptions in the problem state (BC mode).
* GA22-7000 ch.6 "Privileged-Operation Exception": code 2, the operation is suppressed; the
* handler resumes the problem-state program from the old PSW. SVC returns to the supervisor.
* COMPARE: 0-FFF
*
PRIVILEG START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PRIVILEG+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   PRIVILEG+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PRIVILEG+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,BACK
         LPSW  PROB
P        SSM   MASK
         LPSW  DONE
         SSK   3,2
         ISK   3,2
         LCTL  0,0,WORD
         STCTL 0,0,WORD
         SPX   WORD
         STPX  WORD
         STAP  WORD
         STIDP DWORD
         PTLB
         SCK   DWORD
         SCKC  DWORD
         STCKC DWORD
         SPT   DWORD
         STPT  DWORD
         RRB   0(2)
         LRA   3,0(2)
         SIGP  4,5,1
         STNSM MASK,X'00'
         STOSM MASK,X'00'
         TPROT 0(2),0
         IPTE  2,3
         SVC   9
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
PROB     DC    X'00010000',A(P)
DWORD    DC    D'0'
WORD     DC    F'0'
MASK     DC    X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PRIVILEG+X'A00'
LOG      DS    128F                    result log
         ORG   PRIVILEG+X'C00'
PLOG     DS    64F                     interruption log
         END
