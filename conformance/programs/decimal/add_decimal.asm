* ADD DECIMAL (AP): signs, lengths, zero results, overflow (mask off).
* GA22-7000 ch.8 "Add Decimal": a zero sum is positive unless overflow occurred; then it
* has the sign of the true sum. Signs A, C, E, F are plus, B and D minus.
* COMPARE: 0-FFF
*
ADDDECIM START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADDDECIM+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADDDECIM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         AP    A1,B1                   12345 + 678 = 13023: CC 2
         BAL   14,REC
         AP    A2,B2                   -100 + 100 = +0: CC 0
         BAL   14,REC
         AP    A3,B3                   999 + 1 = 1000: overflow, CC 3
         BAL   14,REC
         AP    A4,B4                   50 - 75 = -25: CC 1
         BAL   14,REC
         AP    A5,B5                   +12 (sign A) + -3 (sign B) = 9
         BAL   14,REC
         AP    A6,A6                   coincident operands: doubled
         BAL   14,REC
         AP    A7,B7                   -999 + -1: overflow, -0: CC 3
         BAL   14,REC
         AP    A8,B8                   +7 (sign F) + +8 (sign E) in one byte fields? two bytes
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
A1       DC    X'0012345C'
B1       DC    X'678C'
A2       DC    X'0000100D'
B2       DC    X'100C'
A3       DC    X'999C'
B3       DC    X'1C'
A4       DC    X'00050C'
B4       DC    X'075D'
A5       DC    X'012A'
B5       DC    X'003B'
A6       DC    X'0004567D'
A7       DC    X'999D'
B7       DC    X'001D'
A8       DC    X'007F'
B8       DC    X'8E'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADDDECIM+X'A00'
LOG      DS    128F                    result log
         ORG   ADDDECIM+X'C00'
PLOG     DS    64F                     interruption log
         END
