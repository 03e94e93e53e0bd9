* Addressing exceptions: operands beyond the 2M of storage (code 5).
* GA22-7000 ch.6 "Addressing Exception". Only whole operands beyond storage are used
* (a store that is partly available may store the available part).
* COMPARE: 0-FFF
*
ADDRESSI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADDRESSI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADDRESSI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'200000')         first byte beyond storage
         L     3,=A(X'FFFFF0')
         LA    11,X1
         L     4,0(2)
X1       LA    11,X2
         ST    4,0(3)
X2       LA    11,X3
         MVC   0(8,2),0(0)
X3       LA    11,X4
         MVC   0(8,0),0(3)             fetch beyond storage: nothing stored
X4       LA    11,X5
         IC    4,4(2)
X5       LA    11,X6
         LM    4,5,0(2)
X6       LA    11,X7
         EX    0,0(2)                  the target is beyond storage
X7       LA    11,X8
         LPSW  0(2)
X8       LA    11,X9
         CLI   0(3),0
X9       LA    11,X10
         AP    0(3,2),=P'1'
X10      LA    11,X11
         TR    0(4,2),TAB
X11      DS    0H
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
TAB      DC    256X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADDRESSI+X'A00'
LOG      DS    128F                    result log
         ORG   ADDRESSI+X'C00'
PLOG     DS    64F                     interruption log
         END
