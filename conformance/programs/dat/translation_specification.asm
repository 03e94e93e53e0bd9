* Translation-specification exceptions (X'12'): an invalid CR0 format, bits 4-7 of a segment-table entry, bit 14 of a 2K page-table entry.
* GA22-7000 ch.6 "Translation-Specification Exception": recognized when the information is
* used (here by LRA, with the PSW's DAT bit off). The operation is suppressed.
* COMPARE: 0-2FFF
*
TRANSLAT START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   TRANSLAT+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   TRANSLAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  1,1,CRS+4
         LCTL  0,0,BADCR0              page-size code 11
         L     1,=F'-1'
         LA    11,X1
         LRA   1,X'100'(0)
X1       LCTL  0,0,BADCR0B             segment-size code 01
         LA    11,X2
         LRA   1,X'100'(0)
X2       LCTL  0,0,CRS                 4K pages: segment 1 has bits 4-7 on
         L     2,=A(X'10000')
         LA    11,X3
         LRA   1,0(2)
X3       LCTL  0,0,CR02K               2K pages: segment 2's page 0 has bit 14 on
         L     2,=A(X'20000')
         LA    11,X4
         LRA   1,0(2)
X4       L     2,=A(X'20800')          page 1 is fine
         LRA   1,0(2)
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
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
BADCR0   DC    X'00C00000'
BADCR0B  DC    X'00880000'
CR02K    DC    X'00400000'
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
         DC    X'F1',AL3(PT0)          bits 4-7 not zero
         DC    X'00',AL3(PT2)
         DC    13X'00000001'
PT0      DC    16X'0000'
PT2      DC    X'0002',X'0090'         page 0: bit 14 one; page 1: frame X'9000'
         END
