* Decimal exceptions in EC mode: codes and ILC at locations 140-143.
* GA22-7000 ch.6: data (7), decimal overflow (X'A'), decimal divide (X'B').
* COMPARE: 0-FFF
*
DECIMALE START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   DECIMALE+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   DECIMALE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'04000000'          SPM: decimal-overflow mask
         SPM   1
         LA    11,X1
         AP    A1,B1                   invalid sign: data
X1       LA    11,X2
         AP    A2,B2                   overflow
X2       LA    11,X3
         DP    A3,B3                   divisor zero
X3       LA    11,X4
         ZAP   A4,B4                   overflow
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
A1       DC    X'123C'
B1       DC    X'1A'
A2       DC    X'999C'
B2       DC    X'1C'
A3       DC    X'0000123C'
B3       DC    X'0C'
A4       DC    X'0C'
B4       DC    X'123C'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DECIMALE+X'A00'
LOG      DS    128F                    result log
         ORG   DECIMALE+X'C00'
PLOG     DS    64F                     interruption log
         END
