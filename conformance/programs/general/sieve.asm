* The sieve of Eratosthenes for the primes below 1000 (MVI, CLI, MVC propagation, BXLE).
* A small algorithm: a byte array set by overlapping MVC, marked by index loops; the primes
* are counted and the last one kept.
* COMPARE: 0-17FF
*
SIEVE    START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SIEVE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SIEVE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     11,=A(FLAGS)            R11: the flags (1: prime so far)
         MVI   0(11),1
         MVC   1(255,11),0(11)         propagate ones
         MVC   256(256,11),0(11)
         MVC   512(256,11),0(11)
         MVC   768(232,11),0(11)
         MVI   0(11),0                 0 and 1 are not prime
         MVI   1(11),0
         LA    2,2                     p
OUTER    LR    5,2
         MR    4,2                     R4-R5 = p*p
         C     5,=F'1000'
         BNL   COUNT
         LA    8,0(2,11)
         CLI   0(8),0
         BE    NEXTP
         LR    6,2                     increment p
         L     7,=F'999'               comparand
MARK     LA    9,0(5,11)
         MVI   0(9),0
         BXLE  5,6,MARK
NEXTP    LA    2,1(0,2)
         B     OUTER
COUNT    SR    3,3                     the number of primes
         SR    4,4                     the largest
         SR    5,5
         LA    6,1
         L     7,=F'999'
CLOOP    LA    9,0(5,11)
         CLI   0(9),1
         BNE   CNEXT
         LA    3,1(0,3)
         LR    4,5
CNEXT    BXLE  5,6,CLOOP
         STM   3,4,RES
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
RES      DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SIEVE+X'A00'
LOG      DS    128F                    result log
         ORG   SIEVE+X'C00'
PLOG     DS    64F                     interruption log
         ORG   SIEVE+X'1000'
FLAGS    DS    1000X
         END
