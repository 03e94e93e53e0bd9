* DAT with 2K pages and 64K segments.
* GA22-7000 ch.3: 2K page-table entries: bits 0-12 frame address, bit 13 invalid, bit 14 zero.
* The page-table length counts units of two entries (the leftmost four of five index bits).
* The program new PSW has DAT on (pages 0-7 (X'0'-X'3FFF') map to themselves: the handler
* and its logs), so the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 8000-AFFF
*
TRANSLAT START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   TRANSLAT+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   TRANSLAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS2K
         STOSM SAVE,X'04'
         L     2,=A(X'4000')           page 8: frame X'8800'
         L     1,4(2)                  C'E 88'
         MVC   8(8,2),=C'VIRT4000'
         L     3,=A(X'4800')           page 9: invalid
         LA    11,X1
         MVI   0(3),1
X1       L     3,=A(X'5000')           page 10: frame X'9000'
         L     4,4(3)                  C'E 90'
         L     3,=A(X'20800')          segment 2, page 1 (PTL 0 covers pages 0 and 1)
         L     5,4(3)                  C'E A0'
         L     3,=A(X'21000')          page 2: beyond the table
         LA    11,X2
         L     6,0(3)
X2       STNSM SAVE,X'FB'
         L     3,=A(X'20800')
         LRA   7,0(3)
         L     3,=A(X'4800')
         LRA   8,0(3)
         BAL   14,REC
         STM   1,8,RES
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then continue at the address in R11 (DAT on)
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
* The rightmost 11 bits of the translation-exception address are
* unpredictable (GA22-7000 ch.3, locations 144-147): set them to zero
         NI    146(0),X'F8'
         MVI   147(0),0
         NI    14(13),X'F8'
         MVI   15(13),0
         LA    13,16(0,13)
         BR    11
*
RES      DS    8F
         DS    0F
CRS2K    DC    X'00400000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TRANSLAT+X'A00'
LOG      DS    128F                    result log
         ORG   TRANSLAT+X'C00'
PLOG     DS    64F                     interruption log
         ORG   TRANSLAT+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    X'00000001'
         DC    X'00',AL3(PT2)
         DC    13X'00000001'
PT0      DC    X'0000',X'0008',X'0010',X'0018',X'0020',X'0028',X'0030',X'0038'
         DC    X'0088'                 page 8 (X'4000'): frame X'8800'
         DC    X'0004'                 page 9: invalid
         DC    X'0090'                 page 10 (X'5000'): frame X'9000'
         DC    21X'0004'
PT2      DC    X'0098',X'00A0'         X'20000': X'9800'; X'20800': X'A000'
         ORG   TRANSLAT+X'8800'
         DC    C'FRAME 8800 DATA '
         ORG   TRANSLAT+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   TRANSLAT+X'A000'
         DC    C'FRAME A000 DATA '
         END
