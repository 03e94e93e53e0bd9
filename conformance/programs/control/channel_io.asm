* Channel I/O instructions (TIO, SIO, CLRIO, TCH) to a device and a channel that are absent.
* GA22-7000 ch.13: condition code 3 (not operational). Device X'0123' is absent on both
* machines. (Written as constants: the program predates the assembler's I/O mnemonics.)
* COMPARE: 0-FFF
*
CHANNELI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CHANNELI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CHANNELI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    11,X1
         DC    X'9D010123'             CLRIO X'123' (9D01; TIO is 9D00)
X1       BAL   14,REC
         LA    11,X2
         DC    X'9C000123'             SIO   X'123'
X2       BAL   14,REC
         LA    11,X3
         DC    X'9F000100'             TCH   X'100'
X3       BAL   14,REC
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
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CHANNELI+X'A00'
LOG      DS    128F                    result log
         ORG   CHANNELI+X'C00'
PLOG     DS    64F                     interruption log
         END
