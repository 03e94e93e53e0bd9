* Data exceptions in decimal instructions (code 7): invalid signs suppress the operation.
* GA22-7000 ch.6 "Data Exception": an invalid sign suppresses the operation; invalid digits
* terminate it (the result field is then unpredictable and not compared).
* COMPARE: 0-FFF
* IGNORE: E00-E0F
*
DATAEXCE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   DATAEXCE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   DATAEXCE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         AP    A1,B1                   invalid sign in operand 2
X1       LA    11,X2
         SP    A2,B2                   invalid sign in operand 1
X2       LA    11,X3
         CP    A3,B3                   invalid sign: CC unchanged
X3       BAL   14,REC
         LA    11,X4
         ZAP   A4,B4                   invalid sign in operand 2
X4       LA    11,X5
         AP    A5,B5                   invalid digit (terminated)
X5       LA    11,X6
         CVB   2,D6                    invalid digit
X6       LA    11,X7
         MVC   E7,PAT
         ED    E7,N7                   digit code X'A' under a digit selector
X7       LA    11,X8
         SRP   A8,1,0                  invalid sign
X8       LA    11,X9
         DP    A9,B9                   invalid divisor sign
X9       DS    0H
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
B1       DC    X'1239'
A2       DC    X'00123450'
B2       DC    X'123C'
A3       DC    X'123C'
B3       DC    X'1234'
A4       DC    X'0012345C'
B4       DC    X'12'
         DS    0D
D6       DC    X'0000000000A1234C'
B5       DC    X'1A3C'
A8       DC    X'12347'
A9       DC    X'0000000123C'
B9       DC    X'12B0'
PAT      DC    X'4020202020'
N7       DC    X'12A4'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DATAEXCE+X'A00'
LOG      DS    128F                    result log
         ORG   DATAEXCE+X'C00'
PLOG     DS    64F                     interruption log
         ORG   DATAEXCE+X'E00'
A5       DC    X'0012345C'             invalid-digit results: not compared
E7       DS    CL5
         END
