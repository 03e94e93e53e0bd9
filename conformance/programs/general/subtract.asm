* SUBTRACT (SR, S, SH): differences, condition codes, overflow with the mask off.
* GA22-7000 ch.7 "Subtract", "Subtract Halfword".
* COMPARE: 0-FFF
*
SUBTRACT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SUBTRACT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SUBTRACT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=F'5'
         SR    1,1                     0: CC 0
         BAL   14,REC
         L     1,=F'5'
         S     1,=F'9'                 -4: CC 1
         BAL   14,REC
         L     1,=F'5'
         S     1,=F'-9'                14: CC 2
         BAL   14,REC
         SR    1,1
         S     1,=F'-2147483648'       0 - (-2**31): overflow, CC 3
         BAL   14,REC
         L     1,=F'-2147483648'
         S     1,=F'1'                 overflow: CC 3, X'7FFFFFFF'
         BAL   14,REC
         L     1,=F'10'
         SH    1,=H'-32768'            32778: CC 2
         BAL   14,REC
         L     1,=F'10'
         SH    1,=H'10'                0: CC 0
         BAL   14,REC
         L     2,=F'7'
         L     3,=F'12'
         SR    2,3                     R2 = -5: CC 1
         LR    1,2
         BAL   14,REC
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
         ORG   SUBTRACT+X'A00'
LOG      DS    128F                    result log
         ORG   SUBTRACT+X'C00'
PLOG     DS    64F                     interruption log
         END
