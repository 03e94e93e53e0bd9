* Program mask in EC mode: significance and exponent-underflow bits kept, decimal overflow interrupts.
* GA22-7000 ch.4: the EC-mode program mask is bits 20-23. SPM loads it from R1 bits 4-7.
* COMPARE: 0-FFF
*
PROGRAMM START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   PROGRAMM+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   PROGRAMM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'1F000000'          CC 1, all four mask bits
         SPM   1
         BAL   14,REC
         LA    11,X1
         AP    P1,P2                   decimal overflow: code X'A'
X1       LA    11,X2
         L     2,=X'7FFFFFFF'
         AR    2,2                     fixed-point overflow: code 8
X2       BALR  3,0
         ST    3,RES
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
P1       DC    X'999C'
P2       DC    X'1C'
RES      DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PROGRAMM+X'A00'
LOG      DS    128F                    result log
         ORG   PROGRAMM+X'C00'
PLOG     DS    64F                     interruption log
         END
