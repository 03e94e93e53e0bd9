* Low-address protection with DAT: virtual addresses 0-511 are protected whatever their frame.
* GA22-7000 ch.3 "Low-Address Protection": it applies to the logical (here virtual) address.
* The program new PSW has DAT on (pages 0-3 map to themselves: the handler and its logs), so
* the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 6000-6FFF, 8000-AFFF
*
LOWADDRE START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   LOWADDRE+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   LOWADDRE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS                 CR0: 4K pages, 64K segments; CR1: segment table
         STOSM SAVE,X'04'              DAT on
         LCTL  0,0,CR0LAP
         LA    11,X1
         MVI   X'1FF'(0),1             protected
X1       MVI   X'200'(0),X'05'         X'200' is not protected (the first code byte: BALR 12,0)
         L     2,=A(X'4000')
         MVI   0(2),1                  page 4 (frame X'8000'): not protected
         STNSM SAVE,X'FB'
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
         LA    13,16(0,13)
         BR    11
*
         DS    0F
CR0LAP   DC    X'10800000'
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOWADDRE+X'A00'
LOG      DS    128F                    result log
         ORG   LOWADDRE+X'C00'
PLOG     DS    64F                     interruption log
         ORG   LOWADDRE+X'2000'
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
         ORG   LOWADDRE+X'8000'
         DC    C'FRAME 8000 DATA '
         ORG   LOWADDRE+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   LOWADDRE+X'A000'
         DC    C'FRAME A000 DATA '
         END
