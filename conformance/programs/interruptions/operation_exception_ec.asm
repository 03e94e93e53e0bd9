* Operation exceptions in EC mode: unassigned opcodes of each length, and under EXECUTE.
* GA22-7000 ch.6 "Operation Exception": code 1; the ILC gives the length from the first two
* opcode bits; the operation is suppressed (the old PSW points past the instruction).
* Floating-point opcodes are left out (the reference machine has no floating point).
* Under EXECUTE: execute_ilc_bc.asm, execute_ilc_ec.asm.
* COMPARE: 0-FFF
*
OPERATIO START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   OPERATIO+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   OPERATIO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         DC    X'0000'                 2-byte format
X1       LA    11,X2
         DC    X'AB000000'             4-byte format
X2       LA    11,X3
         DC    X'FF0000000000'         6-byte format
X3       LA    11,X4
         DC    X'B2FF0000'             unassigned B2xx
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
*
BADOP    DC    X'00000000'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   OPERATIO+X'A00'
LOG      DS    128F                    result log
         ORG   OPERATIO+X'C00'
PLOG     DS    64F                     interruption log
         END
