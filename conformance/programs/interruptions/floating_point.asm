* Floating-point LOAD and STORE complete without a program interruption.
* GA22-7000 ch.9 "Load", "Store": LER 0,2 (both registers zero), LD 2,DW and STD 2,OUT
* place the operand unchanged (OUT gets X'4110000000000000', DW's value), leave the
* condition code unchanged and cause no interruption: the interruption log at X'C00'
* stays empty. Both machines have the floating-point facility (docs/hercules-differences.md
* X5, resolved); tests/test_hercules_float.py compares every floating-point instruction.
* (Written as constants: the program predates the assembler's floating-point mnemonics.)
* COMPARE: 0-FFF
*
FLOATING START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   FLOATING+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   FLOATING+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         DC    X'3802'                 LER   0,2
X1       LA    11,X2
         DC    X'6820',S(DW)           LD    2,DW
X2       LA    11,X3
         DC    X'6020',S(OUT)          STD   2,OUT
X3       DS    0H
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
         DS    0D
DW       DC    X'4110000000000000'
OUT      DC    D'0'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   FLOATING+X'A00'
LOG      DS    128F                    result log
         ORG   FLOATING+X'C00'
PLOG     DS    64F                     interruption log
         END
