* Greatest common divisors by Euclid's algorithm and least common multiples (DR, MR, LTR).
* GA22-7000 ch.7 "Divide", "Multiply": DR divides the 64-bit R1 pair by R2, remainder in the
* even and quotient in the odd register; MR multiplies the odd register into the pair.
* lcm(a,b) = a / gcd(a,b) * b, 64 bits. Pairs include zero, equal numbers and primes.
* COMPARE: 0-FFF
*
GCDLCM   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   GCDLCM+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   GCDLCM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    8,PAIRS                 R8: the next pair
         LA    9,RESULTS               R9: the next result (gcd, lcm high, lcm low)
         LA    11,NPAIRS               R11: pairs left
NEXT     L     4,0(0,8)                a
         L     5,4(0,8)                b
* gcd(a,b): while b is not 0: (a, b) = (b, a mod b)
GCD      LTR   5,5
         BZ    GCDDONE
         SR    2,2
         LR    3,4                     R2-R3 = a
         DR    2,5                     R2 = a mod b
         LR    4,5
         LR    5,2
         B     GCD
GCDDONE  ST    4,0(0,9)                gcd (0 when both are 0)
         SR    6,6
         SR    7,7
         LTR   4,4
         BZ    LCMDONE                 lcm(0,0) = 0
         SR    2,2
         L     3,0(0,8)
         DR    2,4                     R3 = a / gcd
         L     7,4(0,8)
         MR    6,3                     R6-R7 = a / gcd * b
LCMDONE  STM   6,7,4(9)
         LA    8,8(0,8)
         LA    9,12(0,9)
         BCT   11,NEXT
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
PAIRS    DC    F'12,18'
         DC    F'18,12'
         DC    F'17,5'
         DC    F'0,7'
         DC    F'7,0'
         DC    F'0,0'
         DC    F'1071,462'
         DC    F'65536,4096'
         DC    F'2147483647,2147483646'
         DC    F'1836311903,1134903170'  consecutive Fibonacci numbers: many steps
         DC    F'999999000,1000000'
         DC    F'720720,360360'
NPAIRS   EQU   (*-PAIRS)/8
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   GCDLCM+X'600'
RESULTS  DS    36F
         ORG   GCDLCM+X'A00'
LOG      DS    128F                    result log
         ORG   GCDLCM+X'C00'
PLOG     DS    64F                     interruption log
         END
