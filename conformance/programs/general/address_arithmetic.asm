* Address arithmetic: 24-bit wraparound of base + index + displacement; register 0 means none.
* GA22-7000 ch.5 "Address Generation": the sum of base, index and displacement is taken
* modulo 2**24 (bits 0-7 of the registers ignored); a 0 in the B or X field means no base
* or index, whatever register 0 holds. LA puts the address in bits 8-31, zeros in 0-7.
* COMPARE: 0-FFF
*
ADDRESSA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADDRESSA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADDRESSA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=X'FFFFFF00'
         LA    3,X'200'(0,2)           X'FFFF00' + X'200': X'000100'
         LA    4,X'FFF'(2,2)           X'FFFF00' twice + X'FFF': X'000DFF'
         L     5,=X'AB000000'
         LA    5,0(0,5)                bits 0-7 of the base ignored: 0
         L     6,=A(DATA+X'5A000000')
         L     7,0(0,6)                the word at DATA through a base with bits 0-7 set
         L     0,=X'00000100'
         L     8,0(0,6)                X = 0: no index, although R0 holds X'100'
         LA    9,0(0,0)                B = 0, X = 0: address 0
         LA    1,4(0,0)
         L     11,=A(DATA-4)
         L     1,0(1,11)               index 1 (4), base 11: the word at DATA
         L     11,=X'00FFFFFF'
         LA    11,1(0,11)              X'FFFFFF' + 1 wraps to 0
         L     14,=A(OUT+X'FF000000')
         ST    7,0(0,14)               store through a base with bits 0-7 set
         L     15,=X'01000000'
         LA    15,OUT(15)              index with only bit 7 set: OUT
         STM   0,15,REGS
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
DATA     DC    X'C0FFEE01'
OUT      DC    F'0'
REGS     DS    16F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADDRESSA+X'A00'
LOG      DS    128F                    result log
         ORG   ADDRESSA+X'C00'
PLOG     DS    64F                     interruption log
         END
