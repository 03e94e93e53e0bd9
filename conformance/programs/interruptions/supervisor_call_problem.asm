* SUPERVISOR CALL from the problem state with key 9: the old PSW keeps the key and the P bit.
* GA22-7000 ch.6 "Supervisor-Call Interruption".
* COMPARE: 0-FFF
*
SUPERVIS START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SUPERVIS+X'60'
         DC    X'00000000',A(SVCX)     supervisor-call new PSW
         ORG   SUPERVIS+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SUPERVIS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LPSW  PROB
P        SVC   12
         SVC   13
         LA    11,BACK
         SVC   14
BACK     DS    0H
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
* SVCH: record the SVC old PSW and the SVC ILC and code, resume after the SVC
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         LPSW  32(0)
* SVCX: record the SVC old PSW; resume it, except for SVC 14: continue at R11
SVCX     MVC   0(8,13),32(0)
         LA    13,16(0,13)
         CLI   35(0),14
         BER   11
         LPSW  32(0)
*
         DS    0D
PROB     DC    X'00910000',A(P)
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SUPERVIS+X'A00'
LOG      DS    128F                    result log
         ORG   SUPERVIS+X'C00'
PLOG     DS    64F                     interruption log
         END
