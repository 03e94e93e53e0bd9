* Operands crossing into an invalid page: the operation is nullified, nothing is stored.
* GA22-7000 ch.6: for an MVC whose destination crosses into an invalid page, no byte is
* stored. TEA: the invalid page (page-aligned). The CLC's bytes in page 4 are equal, so
* the comparison needs page 5 (beyond the first unequal byte the exception is
* model-dependent, docs/hercules-differences.md M11).
* The program new PSW has DAT on (pages 0-3 map to themselves: the handler and its logs), so
* the program goes on translated after each interruption.
* COMPARE: 0-3FFF, 6000-6FFF, 8000-AFFF
*
OPERANDC START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   OPERANDC+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   OPERANDC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS                 CR0: 4K pages, 64K segments; CR1: segment table
         STOSM SAVE,X'04'              DAT on
         L     2,=A(X'4FF8')           page 4 (frame X'8000'), next page invalid
         LA    11,X1
         MVC   0(16,2),=CL16'ABCDEFGHIJKLMNOP'
X1       LA    11,X2
         MVC   0(16,0),0(2)            source crosses (fetch)
X2       L     3,=A(X'3FF8')           page 3 into page 4: both valid
         MVC   0(16,3),=CL16'0123456789ABCDEF'
         L     4,=A(X'4FFC')
         MVC   0(4,4),0(3)             the last 4 bytes of page 4: C'0123'
         LA    11,X3
         CLC   0(8,4),0(3)             equal up to page 5: compare crossing into it
X3       STNSM SAVE,X'FB'
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
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   OPERANDC+X'A00'
LOG      DS    128F                    result log
         ORG   OPERANDC+X'C00'
PLOG     DS    64F                     interruption log
         ORG   OPERANDC+X'2000'
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
         ORG   OPERANDC+X'8000'
         DC    C'FRAME 8000 DATA '
         ORG   OPERANDC+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   OPERANDC+X'A000'
         DC    C'FRAME A000 DATA '
         END
