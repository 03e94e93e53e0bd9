* BRANCH ON INDEX HIGH / LOW OR EQUAL (BXH, BXLE): odd and even R3.
* GA22-7000 ch.7. With R3 odd, R3 is both increment and comparand; R1 = R3 case too.
* COMPARE: 0-FFF
*
BRANCHIN START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BRANCHIN+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BRANCHIN+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1                     sum
         LA    4,0                     index
         LA    6,4                     increment
         LA    7,36                    limit
L1       A     1,TAB(4)
         BXLE  4,6,L1                  sum of TAB(0..9)
         ST    1,RES
         ST    4,RES+4
         LA    4,36                    down from 36
         L     6,=F'-4'
         SR    7,7
         SR    1,1
L2       A     1,TAB(4)
         BXH   4,6,L2
         ST    1,RES+8
         ST    4,RES+12
         LA    2,1                     R3 odd: increment = comparand = R3
         LA    3,3
         SR    5,5
L3       LA    5,1(0,5)
         BXLE  2,3,L3                  1, 4: two passes
         STM   2,3,RES+16
         ST    5,RES+24
         LA    8,5
         LA    9,7
         BXH   8,8,B1                  R1 = R3: 5+5 = 10 > comparand (R9=7)
         MVI   RES+28,X'EE'
B1       ST    8,RES+32
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
TAB      DC    F'1,2,3,4,5,6,7,8,9,10'
RES      DS    10F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BRANCHIN+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHIN+X'C00'
PLOG     DS    64F                     interruption log
         END
