* LOAD REAL ADDRESS (LRA): CC 0 with the real address, CC 1 segment invalid, 2 page invalid, 3 length.
* GA22-7000 ch.10 "Load Real Address": translation whatever the PSW's DAT bit. For CC 1 and 2
* R1 gets the real address of the invalid entry; for CC 3 the address is not compared.
* COMPARE: 0-2FFF, 6000-6FFF, 8000-AFFF
*
LOADREAL START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   LOADREAL+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   LOADREAL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         L     2,=A(X'4123')
         LRA   1,0(2)                  CC 0: X'8123'
         BAL   14,REC
         LRA   1,X'2FF'(0)             CC 0, identity page
         BAL   14,REC
         L     2,=A(X'5000')
         LRA   1,0(2)                  CC 2: the page-table entry's address
         BAL   14,REC
         L     2,=A(X'10000')
         LRA   1,0(2)                  CC 1: the segment-table entry's address
         BAL   14,REC
         L     2,=A(X'20ABC')
         LRA   1,0(2)                  CC 0: X'90ABC'
         BAL   14,REC
         L     2,=A(X'30000')
         LRA   1,0(2)                  CC 0: protection does not matter
         BAL   14,REC
         L     2,=A(X'21000')
         LRA   1,0(2)                  CC 3 (page-table length)
         BALR  14,0
         STCM  14,8,CC3A
         L     2,=A(X'100000')
         LRA   1,0(2)                  CC 3 (segment-table length)
         BALR  14,0
         STCM  14,8,CC3B
         STOSM SAVE,X'04'              DAT on: same results
         L     2,=A(X'4FFF')
         LRA   1,0(2)
         STNSM SAVE,X'FB'
         BAL   14,REC
         SR    1,1
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
CC3A     DC    X'00'
CC3B     DC    X'00'
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADREAL+X'A00'
LOG      DS    128F                    result log
         ORG   LOADREAL+X'C00'
PLOG     DS    64F                     interruption log
         ORG   LOADREAL+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)          segment 0: 16 pages
         DC    X'00000001'             segment 1: invalid
         DC    X'00',AL3(PT2)          segment 2: page-table length 0 (page 0 only)
         DC    X'00',AL3(PT3+4)        segment 3: protected (bit 29)
         DC    12X'00000001'           segments 4-15 invalid
PT0      DC    X'0000',X'0010',X'0020',X'0030'   pages 0-3: frames 0-3
         DC    X'0080'                 page 4: frame X'8000'
         DC    X'0008'                 page 5: invalid
         DC    X'0060'                 page 6: frame X'6000'
         DC    9X'0008'                pages 7-15: invalid
PT2      DC    X'0090'                 page X'20000': frame X'9000'
         DS    0D                      PT3 on a doubleword: PT3+4 is bit 29 alone
PT3      DC    X'00A0'                 page X'30000': frame X'A000'
         ORG   LOADREAL+X'8000'
         DC    C'FRAME 8000 DATA '
         ORG   LOADREAL+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   LOADREAL+X'A000'
         DC    C'FRAME A000 DATA '
         END
