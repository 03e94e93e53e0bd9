* STORE CPU ADDRESS (STAP): CPU address 0; halfword operand alignment.
* GA22-7000 ch.10. The operand must be on a halfword boundary (specification otherwise).
* COMPARE: 0-FFF
*
STORECPU START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   STORECPU+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   STORECPU+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         STAP  RES
         LA    11,X1
         STAP  RES+5                   odd: specification
X1       STAP  RES+2
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
RES      DC    8X'EE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORECPU+X'A00'
LOG      DS    128F                    result log
         ORG   STORECPU+X'C00'
PLOG     DS    64F                     interruption log
         END
