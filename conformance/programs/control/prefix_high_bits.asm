* SET PREFIX ignores bits 0-7 of its operand (S/370: the prefix is bits 8-19).
* GA22-7000 ch.10 "Set Prefix": bits 8-19 of the word become the prefix; bits 0-7 and 20-31
* are ignored. The first 4K is copied to X'4000' first; X'FF004000' sets prefix X'4000'.
* COMPARE: 0-FFF, 4000-4FFF
* IGNORE: 4050-4053, 400C   the interval timer (real location 80) while the prefix is X'4000'; the ILC of the restart old PSW copied from location 8
* KNOWN: H1
*
PREFIXHI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PREFIXHI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PREFIXHI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'4000')
         L     3,=A(X'1000')
         SR    4,4
         L     5,=A(X'1000')
         MVCL  2,4                     absolute 0-FFF to X'4000'-X'4FFF'
         LA    11,X1
         SPX   PFX                     prefix X'4000'
X1       STPX  RES
         MVI   FLAG,X'01'
         SPX   PFX0
         STPX  RES+4
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
PFX0     DC    F'0'
PFX      DC    X'FF004000'
RES      DC    2F'-1'
FLAG     DC    X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PREFIXHI+X'A00'
LOG      DS    128F                    result log
         ORG   PREFIXHI+X'C00'
PLOG     DS    64F                     interruption log
         END
