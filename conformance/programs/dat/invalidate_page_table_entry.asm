* INVALIDATE PAGE TABLE ENTRY (IPTE) and PURGE TLB (PTLB).
* GA22-7000 ch.10: IPTE sets the invalid bit of the entry (R1: page-table origin, R2: the
* virtual address's page index) and clears TLB entries formed from it. After a table change
* followed by PTLB the new mapping is used.
* The program new PSW has DAT on (pages 0-3 map to themselves: the handler and its logs), so
* the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 6000-6FFF, 8000-AFFF
*
INVALIDA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   INVALIDA+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   INVALIDA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS                 CR0: 4K pages, 64K segments; CR1: segment table
         STOSM SAVE,X'04'              DAT on
         L     2,=A(X'4000')
         L     1,4(2)                  frame X'8000', C'E 80' (a TLB entry is formed)
         L     3,=A(PT0)
         IPTE  3,2                     invalidate page 4
         LA    11,X1
         L     4,0(2)                  page translation
X1       L     9,=A(PTE4)
         MVC   0(2,9),=X'00A0'         page 4 now frame X'A000'
         PTLB
         L     5,4(2)                  frame X'A000', C'E A0'
         L     2,=A(X'6000')
         L     6,4(2)                  frame X'6000', C'E 60'
         L     7,=A(X'FFF06000')       bits 0-7 and the byte index are ignored
         IPTE  3,7                     invalidate page 6
         LA    11,X2
         L     8,0(2)
X2       STNSM SAVE,X'FB'
         MVC   RES(32),0(3)
         STM   1,8,RES+32
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
RES      DS    16F
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INVALIDA+X'A00'
LOG      DS    128F                    result log
         ORG   INVALIDA+X'C00'
PLOG     DS    64F                     interruption log
         ORG   INVALIDA+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)          segment 0: 16 pages
         DC    X'00000001'             segment 1: invalid
         DC    X'00',AL3(PT2)          segment 2: page-table length 0 (page 0 only)
         DC    X'00',AL3(PT3+4)        segment 3: protected (bit 29)
         DC    12X'00000001'           segments 4-15 invalid
PT0      DC    X'0000',X'0010',X'0020',X'0030'   pages 0-3: frames 0-3
PTE4     DC    X'0080'                 page 4: frame X'8000'
         DC    X'0008'                 page 5: invalid
         DC    X'0060'                 page 6: frame X'6000'
         DC    9X'0008'                pages 7-15: invalid
PT2      DC    X'0090'                 page X'20000': frame X'9000'
         DS    0D                      PT3 on a doubleword: PT3+4 is bit 29 alone
PT3      DC    X'00A0'                 page X'30000': frame X'A000'
         ORG   INVALIDA+X'6000'
         DC    C'FRAME 6000 DATA '
         ORG   INVALIDA+X'8000'
         DC    C'FRAME 8000 DATA '
         ORG   INVALIDA+X'9000'
         DC    C'FRAME 9000 DATA '
         ORG   INVALIDA+X'A000'
         DC    C'FRAME A000 DATA '
         END
