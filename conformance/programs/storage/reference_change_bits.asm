* Reference and change recording: instruction fetch, operand fetch and store, EXECUTE targets, DAT tables.
* GA22-7000 ch.3 "Reference Recording", "Change Recording": any access sets the reference bit,
* a store also the change bit. The blocks used have partners (the other half of their 4K
* frame) that stay unreferenced (see reset_reference_bit_2k.asm).
* COMPARE: 0-7FFF
*
REFERENC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   REFERENC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   REFERENC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    3,0
         L     2,=A(X'3000')
         SSK   3,2                     block X'3000': key 0, R0 C0
         L     4,=A(SUB)
         BALR  14,4                    the subroutine in block X'3000' runs
         RRB   0(2)                    R1 C0: CC 2
         BAL   14,REC
         L     2,=A(X'4000')
         SSK   3,2
         CLI   0(2),0                  operand fetch
         RRB   0(2)                    CC 2
         BAL   14,REC
         MVI   1(2),1                  store
         RRB   0(2)                    R1 C1: CC 3
         BAL   14,REC
         RRB   0(2)                    R0 C1: CC 1
         BAL   14,REC
         L     2,=A(X'5000')
         SSK   3,2
         EX    0,8(0,2)                the target of EXECUTE is in block X'5000'
         RRB   0(2)                    CC 2
         BAL   14,REC
         L     2,=A(X'6000')
         SSK   3,2
         LCTL  0,1,CRS                 segment table in block X'6000'
         LRA   1,X'100'(0)             the table entries are fetched
         RRB   0(2)                    CC 2
         BAL   14,REC
         LCTL  0,0,CR0STD
         L     2,=A(X'7000')
         SSK   3,2
         MVC   0(4,2),0(2)             a store of the same value is still a store
         RRB   0(2)                    CC 3
         BAL   14,REC
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
         DS    0F
CRS      DC    X'00800000',A(X'6000')
CR0STD   DC    X'000000E0'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   REFERENC+X'A00'
LOG      DS    128F                    result log
         ORG   REFERENC+X'C00'
PLOG     DS    64F                     interruption log
         ORG   REFERENC+X'3000'
SUB      BR    14
         ORG   REFERENC+X'4000'
         DC    X'00'
         ORG   REFERENC+X'5008'
         LA    1,5
         ORG   REFERENC+X'6000'
         DC    X'F0',AL3(X'6040')
         ORG   REFERENC+X'6040'
         DC    X'0000'
         ORG   REFERENC+X'7000'
         DC    C'SAME'
         END
