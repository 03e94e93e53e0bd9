* SHIFT AND ROUND DECIMAL: rounding carries, one-digit fields, sign codes, zero results.
* GA22-7000 ch.8 "Shift and Round Decimal": bits 26-31 of the second-operand address are a
* signed shift (left positive, right negative); on a right shift the rounding digit I3 is
* added to the leftmost digit shifted out and a carry goes into the result. CC 0 zero, 1
* negative, 2 positive, 3 overflow (the decimal-overflow mask is off: no interruption).
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
         SRP   F1,64-1,5               00999+ right 1, round 5: carry: 00100+
         BAL   14,REC
         SRP   F2,64-1,5               99999+ right 1, round 5: 10000+
         BAL   14,REC
         SRP   F3,64-1,5               00015- right 1, round 5: 00002-
         BAL   14,REC
         SRP   F4,64-1,5               00004- right 1, round 5: zero
         BAL   14,REC
         SRP   F5,1,0                  90000- left 1: overflow, zero digits
         BAL   14,REC
         SRP   F6,64-2,0               12345+ right 2, round 0: truncated 00123+
         BAL   14,REC
         SRP   F7,64-1,9               12341+ right 1, round 9: 01235+
         BAL   14,REC
         SRP   F8,X'FFF',5             address bits 26-31 all ones: right 1
         BAL   14,REC
         SRP   F9,64-1,5               one digit 5+ right 1, round 5: 1+
         BAL   14,REC
         SRP   F10,0,0                 shift 0, sign F: preferred sign C
         BAL   14,REC
         SRP   F11,0,0                 shift 0, sign B: preferred sign D
         BAL   14,REC
         SRP   F12,0,0                 shift 0, sign A on zero: zero, sign C
         BAL   14,REC
         SRP   F13,64-32,5             right 32: every digit shifted out, round 5
         BAL   14,REC
         SRP   F14,31,0                left 31 of a nonzero: overflow
         BAL   14,REC
         SRP   F15,31,0                left 31 of zero: no overflow
         BAL   14,REC
         SRP   F16,64-3,7              right 3: 8 (of 893) + 7 carries: ...4568+
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
F1       DC    X'00999C'
F2       DC    X'99999C'
F3       DC    X'00015D'
F4       DC    X'00004D'
F5       DC    X'90000D'
F6       DC    X'12345C'
F7       DC    X'12341C'
F8       DC    X'00995F'
F9       DC    X'5C'
F10      DC    X'12345F'
F11      DC    X'12345B'
F12      DC    X'00000A'
F13      DC    X'98765C'
F14      DC    X'00001C'
F15      DC    X'00000D'
F16      DC    X'0001234567893C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTAND+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTAND+X'C00'
PLOG     DS    64F                     interruption log
         END
