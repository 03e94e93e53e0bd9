* DAT with 4K pages and 1M segments.
* GA22-7000 ch.3: with 1M segments a segment table of 16 entries covers the 16M address
* space; the page-table length counts units of 16 entries.
* The program new PSW has DAT on (pages 0-7 of segment 0 map to themselves: the handler and
* its logs), so the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 9000-AFFF
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
         LCTL  0,1,CRS1M
         STOSM SAVE,X'04'
         L     2,=A(X'100000')         segment 1, page 0: frame X'9000'
         L     1,4(2)                  C'E 90'
         MVC   8(8,2),=C'SEG1PG0 '
         L     2,=A(X'10000')          segment 0, page 16: beyond PTL 0
         LA    11,X1
         L     3,0(2)
X1       L     2,=A(X'200000')         segment 2: invalid
         LA    11,X2
         L     3,0(2)
X2       L     2,=A(X'10F000')         segment 1, page 15: frame X'A000'
         L     4,4(2)                  C'E A0'
         STNSM SAVE,X'FB'
         L     2,=A(X'10F004')
         LRA   5,0(2)
         BAL   14,REC
         STM   1,5,RES
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
* The rightmost 12 bits of the translation-exception address are
* unpredictable (GA22-7000 ch.3, locations 144-147): set them to zero
         NI    146(0),X'F0'
         MVI   147(0),0
         NI    14(13),X'F0'
         MVI   15(13),0
         LA    13,16(0,13)
         BR    11
*
RES      DS    8F
         DS    0F
CRS1M    DC    X'00900000',A(SEGTAB)
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
SEGTAB   DC    X'00',AL3(PT0)          segment 0: 16 pages
         DC    X'00',AL3(PT1)          segment 1: 16 pages
         DC    14X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0050',X'0060',X'0070'
         DC    8X'0008'
PT1      DC    X'0090',14X'0008',X'00A0'
         ORG   TRANSLAT+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   TRANSLAT+X'A000'
         DC    C'FRAME A000 DATA '
         END
