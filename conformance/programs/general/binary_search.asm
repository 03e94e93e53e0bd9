* Binary search in a sorted table of 32 halfwords (LH, CH, SRA, SLL, branches).
* A small algorithm: found and not-found searches; the results are the indexes (-1 if absent).
* COMPARE: 0-FFF
*
BINARYSE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BINARYSE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BINARYSE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    9,KEYS
         LA    8,NKEYS
         LA    10,LOG
NEXTKEY  LH    1,0(0,9)                the key
         SR    2,2                     low
         LA    3,31                    high
SEARCH   CR    2,3
         BH    NOTFOUND
         LR    4,2
         AR    4,3
         SRA   4,1                     middle
         LR    5,4
         SLL   5,1
         CH    1,TAB(5)
         BE    FOUND
         BL    LOWER
         LA    2,1(0,4)
         B     SEARCH
LOWER    LR    3,4
         BCTR  3,0
         B     SEARCH
NOTFOUND L     4,=F'-1'
FOUND    ST    4,0(0,10)
         LA    10,4(0,10)
         LA    9,2(0,9)
         BCT   8,NEXTKEY
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
TAB      DC    H'-500,-200,-100,-7,0,1,2,3,5,8,13,21,34,55,89,144'
         DC    H'233,377,610,987,1000,1001,2000,3000,4000,5000'
         DC    H'6000,7000,8000,9000,10000,32767'
KEYS     DC    H'-500,32767,0,13,14,-501,1001,9000,-7,6'
NKEYS    EQU   (*-KEYS)/2
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BINARYSE+X'A00'
LOG      DS    128F                    result log
         ORG   BINARYSE+X'C00'
PLOG     DS    64F                     interruption log
         END
