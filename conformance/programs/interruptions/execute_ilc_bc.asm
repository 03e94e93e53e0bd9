* Exceptions of an instruction executed by EXECUTE in BC mode: the ILC is 2.
* GA22-7000 ch.6 "Instruction-Length Code": whenever an instruction is executed by means of
* EXECUTE, ILC 2 is set (the length of EXECUTE).
* COMPARE: 0-FFF
* KNOWN: H3
*
EXECUTEI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXECUTEI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXECUTEI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'300000')
         LA    11,X1
         EX    0,BADOP                 operation exception in the target
X1       LA    11,X2
         EX    0,MOVE                  addressing exception in the target (SS, 6 bytes)
X2       LA    11,X3
         LA    1,X'10'
         EX    1,DIVR                  DR 1,0: specification (odd R1 made by the OR)
X3       DS    0H
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
*
BADOP    DC    X'0000'
MOVE     MVC   0(4,0),0(2)
DIVR     DR    0,0
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXECUTEI+X'A00'
LOG      DS    128F                    result log
         ORG   EXECUTEI+X'C00'
PLOG     DS    64F                     interruption log
         END
