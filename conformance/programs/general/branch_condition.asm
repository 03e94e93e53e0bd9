* BRANCH ON CONDITION (BC, BCR) with every mask, and the extended mnemonics.
* GA22-7000 ch.7 "Branch on Condition". BCR with R2 = 0 does not branch.
* Each branch taken adds a distinct bit to R1 (LA: the CC is kept); X'800' marks a wrong path.
* COMPARE: 0-FFF
*
BRANCHCO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BRANCHCO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BRANCHCO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1
         CLI   ONE,1                   CC 0
         BE    T1
         LA    1,X'800'(0,1)
T1       LA    1,1(0,1)
         BNE   BAD
         BH    BAD
         BL    BAD
         BZ    T1A
         B     BAD
T1A      CLI   ONE,2                   CC 1
         BL    T2
         B     BAD
T2       LA    1,2(0,1)
         BM    T3
         B     BAD
T3       LA    1,4(0,1)
         BNL   BAD
         BNM   BAD
         CLI   ONE,0                   CC 2
         BH    T4
         B     BAD
T4       LA    1,8(0,1)
         BP    T5
         B     BAD
T5       LA    2,T6
         BCR   15,2
         B     BAD
T6       LA    1,16(0,1)
         LA    2,BAD
         BCR   15,0                    R2 = 0: no branch
         BCR   0,2                     mask 0: no branch
         NOPR  2
         NOP   BAD
         BNH   BAD                     CC 2
         LA    1,32(0,1)
         L     3,=X'7FFFFFFF'
         A     3,=F'1'                 CC 3
         BO    T7
         B     BAD
T7       LA    1,64(0,1)
         BNO   BAD
         BC    14,BAD
         BC    1,T8
         B     BAD
T8       LA    1,128(0,1)
         BC    7,T9                    mask 0111 includes CC 3
         B     BAD
T9       LA    1,256(0,1)
         LTR   3,3                     CC 1 (X'80000000')
         BNP   T10
         B     BAD
T10      LA    1,512(0,1)
         LTR   3,3
         BNZ   T11
         B     BAD
T11      LA    1,1024(0,1)
         B     OUT
BAD      LA    1,X'800'(0,1)
OUT      BAL   14,REC
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
ONE      DC    X'01'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BRANCHCO+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHCO+X'C00'
PLOG     DS    64F                     interruption log
         END
