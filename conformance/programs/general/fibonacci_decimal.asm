* Fibonacci numbers in packed decimal to F(60) (ZAP, AP, MVC, UNPK, OI, BCT).
* A small algorithm: decimal additions of growing numbers, then zoned output.
* COMPARE: 0-FFF
*
FIBONACC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   FIBONACC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   FIBONACC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         ZAP   A,=P'0'
         ZAP   B,=P'1'
         LA    2,59
LOOP     ZAP   C,A
         AP    C,B
         ZAP   A,B
         ZAP   B,C
         BCT   2,LOOP
         UNPK  OUT,B
         OI    OUT+L'OUT-1,X'F0'       make the last digit printable
         CP    B,=P'1548008755920'     F(60)
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
A        DS    PL8
B        DS    PL8
C        DS    PL8
OUT      DS    CL15
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   FIBONACC+X'A00'
LOG      DS    128F                    result log
         ORG   FIBONACC+X'C00'
PLOG     DS    64F                     interruption log
         END
