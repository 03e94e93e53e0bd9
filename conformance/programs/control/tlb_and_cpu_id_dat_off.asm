* STORE CPU ID, PURGE TLB and INVALIDATE PAGE TABLE ENTRY in the supervisor state, DAT off.
* GA22-7000 ch.10. STIDP stores the CPU identification at a doubleword (its contents are
* model-dependent: those 8 bytes are left out, docs/hercules-differences.md M6), a
* specification exception (code 6) when the operand is not on a doubleword boundary; CC
* unchanged. PTLB: nothing observable. IPTE works with DAT off: R1 has the form of a
* segment-table entry (bits 8-28 the page-table origin, the rest ignored), R2 of a virtual
* address (only the page index is used, by the CR0 format: 4K pages X'0008', 2K pages
* X'0004' ORed into the entry); an invalid CR0 format (bits 8-12) is a
* translation-specification exception (code X'12').
* COMPARE: 0-FFF, 1800-1FFF
* IGNORE: 400-407 STIDP stores the model-dependent CPU identification (M6)
*
TLBCPUID START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   TLBCPUID+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   TLBCPUID+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    1,1
         LTR   1,1                     CC 2
         STIDP CPUID                   CPU identification (not compared)
         BAL   14,REC                  CC still 2
         STIDP CPUID+4                 not a doubleword: specification
         PTLB
         SR    1,1                     CC 0
         PTLB
         BAL   14,REC                  CC still 0
         L     3,=X'FF001807'          page-table origin X'1800' (bits 0-7, 29-31 ignored)
         L     4,=X'FF0E3ABC'          page index 3 (64K segments, 4K pages)
         IPTE  3,4                     CR0 reset (X'E0'): translation specification
         LCTL  0,0,CR0A                4K pages, 64K segments: DAT still off
         IPTE  3,4                     entry at X'1806' gets X'0008'
         LCTL  0,0,CR0B                2K pages, 64K segments
         L     4,=X'00003800'          page index 7
         IPTE  3,4                     entry at X'180E' gets X'0004'
         LCTL  0,0,CR0C                4K pages, 1M segments
         L     4,=X'000F5000'          page index X'F5'
         IPTE  3,4                     entry at X'19EA' gets X'0008'
         LCTL  0,0,CR0D                2K pages, 1M segments
         L     4,=X'00012800'          page index X'25'
         IPTE  3,4                     entry at X'184A' gets X'0004'
         IPTE  3,4                     again: already invalid, unchanged
         PTLB
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then resume the interrupted program (its old PSW)
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         LPSW  40(0)
*
         DS    0F
CR0A     DC    X'00800000'
CR0B     DC    X'00400000'
CR0C     DC    X'00900000'
CR0D     DC    X'00500000'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TLBCPUID+X'400'
CPUID    DS    2D                      STIDP target (X'400'-X'407' not compared)
         ORG   TLBCPUID+X'A00'
LOG      DS    128F                    result log
         ORG   TLBCPUID+X'C00'
PLOG     DS    64F                     interruption log
         ORG   TLBCPUID+X'1800'
PT       DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0050',X'0060',X'0078'
         DC    X'0080',X'0098',X'00A0',X'00B0',X'00C0',X'00D0',X'00E0',X'00F0'
         DC    X'0100',X'0110',X'0120',X'0130',X'0140',X'0150',X'0160',X'0170'
         DC    X'0180',X'0190',X'01A0',X'01B0',X'01C0',X'01D0',X'01E0',X'01F0'
         DC    X'0200',X'0210',X'0220',X'0230',X'0240',X'0250',X'0260',X'0270'
         ORG   TLBCPUID+X'19E0'
         DC    X'1A00',X'1A10',X'1A20',X'1A30',X'1A40',X'1A50',X'1A60',X'1A70'
         END
