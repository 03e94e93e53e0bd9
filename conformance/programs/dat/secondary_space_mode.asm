* LOAD REAL ADDRESS in the secondary-space mode uses the secondary segment table (CR7).
* GA22-7000 ch.10 "Load Real Address": with DAS, CR7 is used when the EC-mode PSW has bit 16
* one. Both tables map the code pages identically.
* COMPARE: 0-2FFF
*
SECONDAR START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   SECONDAR+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   SECONDAR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         LCTL  7,7,CR7
         LPSW  SECPSW                  EC mode, secondary-space mode, DAT off
S1       L     2,=A(X'4000')
         LRA   1,0(2)                  secondary: X'9000'
         BAL   14,REC
         LPSW  PRIPSW
P1       LRA   1,0(2)                  primary: X'8000'
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
* The rightmost 12 bits of the translation-exception address are
* unpredictable (GA22-7000 ch.3, locations 144-147): set them to zero
         NI    146(0),X'F0'
         MVI   147(0),0
         NI    14(13),X'F0'
         MVI   15(13),0
         LA    13,16(0,13)
         BR    11
*
         DS    0D
SECPSW   DC    X'00088000',A(S1)
PRIPSW   DC    X'00080000',A(P1)
CRS      DC    X'04800000',A(SEGTAB)
CR7      DC    A(SEGTAB2)
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SECONDAR+X'A00'
LOG      DS    128F                    result log
         ORG   SECONDAR+X'C00'
PLOG     DS    64F                     interruption log
         ORG   SECONDAR+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    15X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0080',11X'0008'
         ORG   SECONDAR+X'2100'
SEGTAB2  DC    X'F0',AL3(PT0S)
         DC    15X'00000001'
PT0S     DC    X'0000',X'0010',X'0020',X'0030',X'0090',11X'0008'
         END
