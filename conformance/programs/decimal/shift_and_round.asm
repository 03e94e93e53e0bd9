* SHIFT AND ROUND DECIMAL (SRP): left shifts, right shifts with rounding, overflow.
* GA22-7000 ch.8 "Shift and Round Decimal": bits 26-31 of the second-operand address are a
* signed shift amount; I3 is the rounding digit added to the last digit shifted out.
* COMPARE: 0-FFF
*
SHIFTAND START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SHIFTAND+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SHIFTAND+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SRP   F1,2,0                  0012345 left 2: 1234500, CC 2
         BAL   14,REC
         SRP   F2,3,0                  left 3: a nonzero digit is lost: CC 3
         BAL   14,REC
         SRP   F3,62,5                 right 2, round 5: 123.45 -> 123
         BAL   14,REC
         SRP   F4,62,6                 right 2, round 6: 123.45 -> 124
         BAL   14,REC
         SRP   F5,63,5                 -12345 right 1 round 5: -1235
         BAL   14,REC
         SRP   F6,62,5                 -4 right 2: zero, made positive: CC 0
         BAL   14,REC
         SRP   F7,0,0                  no shift: sign made preferred, CC 2
         BAL   14,REC
         LA    3,1
         SRP   F8,0(3),0               amount from a register: left 1
         BAL   14,REC
         SRP   F9,32,0                 amount 32: right 32, all digits gone
         BAL   14,REC
         SRP   F10,31,0                left 31: overflow of a nonzero field, CC 3
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
F1       DC    X'0012345C'
F2       DC    X'0012345C'
F3       DC    X'0012345C'
F4       DC    X'0012345C'
F5       DC    X'0012345D'
F6       DC    X'004D'
F7       DC    X'012F'
F8       DC    X'00987C'
F9       DC    X'9999999D'
F10      DC    X'00000001C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTAND+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTAND+X'C00'
PLOG     DS    64F                     interruption log
         END
