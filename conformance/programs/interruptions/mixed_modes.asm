* Interruptions between the PSW modes: BC program, EC new PSWs, and back.
* GA22-7000 ch.4: the old PSW is stored in the format of the mode in effect when the
* interruption occurs; codes at 140-143 only when the old PSW is EC mode.
* COMPARE: 0-FFF
*
MIXEDMOD START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MIXEDMOD+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   MIXEDMOD+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MIXEDMOD+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         DC    X'0000'                 operation: BC old PSW, EC new PSW
X1       LPSW  ECPSW                   into EC mode, problem state, key 9
E1       LA    11,X2
         DC    X'0000'                 operation: EC old PSW
X2       LA    11,X3
         SVC   5                       EC old PSW, BC new PSW (SVC)
X3       LPSW  BCPROB                  BC mode, problem state, key 9
B1       L     1,=X'08000000'
         SPM   1
         L     1,=X'7FFFFFFF'
         LA    11,X4
         A     1,=F'1'                 overflow: BC old PSW with key 9 and P
X4       DS    0H
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
ECPSW    DC    X'00090000',A(E1)
BCPROB   DC    X'00910000',A(B1)
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MIXEDMOD+X'A00'
LOG      DS    128F                    result log
         ORG   MIXEDMOD+X'C00'
PLOG     DS    64F                     interruption log
         END
