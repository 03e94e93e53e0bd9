* An instruction fetched beyond storage: addressing exception; the instruction address recorded.
* GA22-7000 ch.6 "ILC on Instruction-Fetching Exceptions": the ILC is 1, 2 or 3, the number
* of halfwords by which the instruction address was incremented: the address of the
* instruction is the old PSW's address less twice the ILC.
* COMPARE: 0-FFF
*
FETCHBEY START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   FETCHBEY+X'68'
         DC    X'00000000',A(FETCHH)   program new PSW
         ORG   FETCHBEY+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         L     2,=A(X'300000')
         BALR  3,2                     beyond storage: addressing
X1       ST    3,RES
         LA    11,X2
         L     2,=A(X'200000')
         BR    2                       the first byte beyond storage
X2       DS    0H
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
* FETCHH: record the code and the address of the instruction (the old PSW's address
* less twice the ILC: the ILC of an instruction-fetch exception is 1, 2 or 3, model-
* dependent), clear the old PSW, then continue at the address in R11
FETCHH   MVC   0(4,13),40(0)           system mask, key, modes, code
         MVC   8(4,13),140(0)          (EC mode: ILC and code)
         L     1,44(0)
         LR    2,1
         SRL   2,30                    ILC
         SLL   2,1                     in bytes
         LA    1,0(0,1)                the address, bits 8-31
         SR    1,2
         ST    1,4(0,13)
         XC    40(8,0),40(0)
         SR    1,1
         SR    2,2
         LA    13,16(0,13)
         BR    11
*
         DS    0F
RES      DS    F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   FETCHBEY+X'A00'
LOG      DS    128F                    result log
         ORG   FETCHBEY+X'C00'
PLOG     DS    64F                     interruption log
         END
