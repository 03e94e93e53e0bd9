* SHIFT AND ROUND DECIMAL details: rounding digits 0-9, shift amounts 32 and 63, sign codes.
* GA22-7000 ch.8: the rounding digit is not checked for validity; the shift amount is a
* 6-bit signed number (32 is a right shift of 32, 63 a right shift of 1). An invalid rounding
* digit is a data exception.
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
         SRP   F1,63,9                 right 1, round 9: 12345 -> 1235
         BAL   14,REC
         SRP   F2,63,0                 right 1, no rounding: 1234
         BAL   14,REC
         SRP   F3,31,0                 left 31 on a zero field: CC 0, no overflow
         BAL   14,REC
         SRP   F4,1,0                  sign A becomes C
         BAL   14,REC
         SRP   F5,1,0                  sign B becomes D
         BAL   14,REC
         LA    11,X1
         SRP   F6,62,15                rounding digit X'F': data exception
X1       BAL   14,REC
         SRP   F7,1,0                  -0 shifted: result zero, positive
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
F3       DC    X'0000000C'
F4       DC    X'00001A'
F5       DC    X'00001B'
F6       DC    X'0012345C'
F7       DC    X'00000D'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTAND+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTAND+X'C00'
PLOG     DS    64F                     interruption log
         END
