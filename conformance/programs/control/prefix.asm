* SET PREFIX and STORE PREFIX (SPX, STPX): real page 0 and the prefix page exchange places.
* GA22-7000 ch.3 "Prefixing", ch.10. The first 4K is copied to X'4000' and the prefix set
* there: the program continues in the copy; interruptions use the new PSWs of the copy.
* Bits 20-31 of the SPX operand are ignored; a prefix beyond storage is an addressing
* exception (the prefix is unchanged). (Bits 0-7: prefix_high_bits.asm.)
* COMPARE: 0-FFF, 4000-4FFF
* IGNORE: 4050-4053, 400C   the interval timer (real location 80) while the prefix is X'4000'; the ILC of the restart old PSW copied from location 8
*
PREFIX   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PREFIX+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   PREFIX+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PREFIX+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'4000')
         L     3,=A(X'1000')
         SR    4,4
         L     5,=A(X'1000')
         MVCL  2,4                     absolute 0-FFF to X'4000'-X'4FFF'
         SPX   PFX1                    prefix X'4000'
         STPX  RES                     stored at absolute X'4000'+RES
         MVI   FLAG,X'01'              into the copy
         L     6,=A(X'4000')
         MVC   RES+4(8),0(6)           real X'4000' is absolute 0: the restart PSW
         SVC   7                       new PSW from the copy
         SPX   PFX2                    X'00004ABC': bits 20-31 ignored, X'4000' again
         STPX  RES+12
         L     6,=A(X'300000')
         ST    6,PFX3
         LA    11,X1
         SPX   PFX3                    beyond storage: addressing
X1       STPX  RES+16
         SPX   PFX0                    back to prefix 0
         STPX  RES+20
         MVI   FLAG,X'02'              into the original
         SVC   8
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
* SVCH: record the SVC old PSW and the SVC ILC and code, resume after the SVC
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         LPSW  32(0)
*
         DS    0F
PFX0     DC    F'0'
PFX1     DC    A(X'4000')
PFX2     DC    X'00004ABC'
PFX3     DS    F
RES      DS    8F
FLAG     DC    X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PREFIX+X'A00'
LOG      DS    128F                    result log
         ORG   PREFIX+X'C00'
PLOG     DS    64F                     interruption log
         END
