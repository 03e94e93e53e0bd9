* MOVE WITH OFFSET (MVO): the second operand placed left of the first operand's sign.
* GA22-7000 ch.7 "Move with Offset".
* COMPARE: 0-FFF
*
MOVEWITH START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MOVEWITH+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MOVEWITH+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVO   F1,S1                   0123456C
         MVO   F2,S1                   shorter: 3456 kept with the sign
         MVO   F3,S2                   longer: zeros on the left
         MVO   F4(3),F4(2)             overlapping operands
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
F1       DC    X'7788990C'
S1       DC    X'123456'
F2       DC    X'778D'
F3       DC    X'FFFFFFFFFA'
S2       DC    X'12'
F4       DC    X'12345F'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVEWITH+X'A00'
LOG      DS    128F                    result log
         ORG   MOVEWITH+X'C00'
PLOG     DS    64F                     interruption log
         END
