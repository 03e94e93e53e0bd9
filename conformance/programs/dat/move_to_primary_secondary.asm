* MOVE TO PRIMARY and MOVE TO SECONDARY (MVCP, MVCS) between two address spaces.
* GA22-7000 ch.10: the secondary space is translated with CR7; secondary-space control CR0
* bit 5 must be one and DAT on, else a special-operation exception (X'13'). R3 bits 24-27:
* the secondary access key. True length in R1; CC 3 beyond 256 bytes.
* After each interruption the program resumes with its old PSW (DAT off before X0, on after).
* COMPARE: 0-2FFF, 8000-9FFF
*
MOVETOPR START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   MOVETOPR+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   MOVETOPR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         LCTL  3,3,CR3                 PSW-key mask: all keys
         LCTL  7,7,CR7                 secondary segment table
         LA    1,8
         LA    3,X'00'
         LA    11,X0
         MVCP  0(1,2),0(4),3           DAT off: special operation
X0       STOSM SAVE,X'04'
         LA    11,X1
         L     2,=A(X'4000')           primary page 4: frame X'8000'
         L     4,=A(X'4000')           secondary page 4: frame X'9000'
         MVCP  32(1,2),0(4),3          secondary to primary: CC 0
         BAL   14,REC
         MVCS  16(1,4),0(2),3          primary to secondary: CC 0
         BAL   14,REC
         L     1,=F'300'
         MVCP  256(1,2),0(4),3         CC 3: 256 bytes
         BAL   14,REC
         LA    1,8
         L     4,=A(X'5000')           secondary page 5: invalid
         LA    11,X1
         MVCP  64(1,2),0(4),3          TEA bit 0: secondary
X1       LCTL  0,0,CRNOSS              secondary-space control off
         LA    11,X2
         MVCS  0(1,4),0(2),3           special operation
X2       STNSM SAVE,X'FB'
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then resume the interrupted program at the address in R11: its old
* PSW (DAT as it was) with that instruction address
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
* The rightmost 12 bits of the translation-exception address are
* unpredictable (GA22-7000 ch.3, locations 144-147): set them to zero
         NI    146(0),X'F0'
         MVI   147(0),0
         NI    14(13),X'F0'
         MVI   15(13),0
         LA    13,16(0,13)
         ST    11,44(0)                old PSW bits 32-63 (EC mode): 0, address
         LPSW  40(0)
*
         DS    0F
CRS      DC    X'04800000',A(SEGTAB)
CRNOSS   DC    X'00800000'
CR3      DC    X'FFFF0000'
CR7      DC    A(SEGTAB2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MOVETOPR+X'A00'
LOG      DS    128F                    result log
         ORG   MOVETOPR+X'C00'
PLOG     DS    64F                     interruption log
         ORG   MOVETOPR+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    15X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0080',12X'0008'
         ORG   MOVETOPR+X'2100'
SEGTAB2  DC    X'F0',AL3(PT0S)
         DC    15X'00000001'
PT0S     DC    X'0000',X'0010',X'0020',X'0030',X'0090',X'0008',10X'0008'
         ORG   MOVETOPR+X'8000'
         DC    C'PRIMARY FRAME 8000'
         ORG   MOVETOPR+X'9000'
         DC    C'SECONDARY FRAME 9000'
         DC    300C'S'
         END
