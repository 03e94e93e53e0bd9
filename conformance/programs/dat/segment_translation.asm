* Segment-translation exceptions (code X'10'): invalid segment-table entry, table length.
* GA22-7000 ch.3 "Segment-Translation Exception", ch.6: the exception nullifies (the old
* PSW points at the instruction, the ILC is its length); the virtual address goes to
* 144-147 (EC mode). Its rightmost 12 bits (4K pages) are unpredictable: the handler
* clears them (M1). 64K segments: the leftmost four bits of the segment index are
* compared with the segment-table length (CR1 bits 0-7, units of 16 entries). The program
* new PSW has DAT on, so the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 8000-8FFF
*
SEGTRANS START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   SEGTRANS+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   SEGTRANS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS                 4K pages, 64K segments; table length 0
         STOSM SAVE,X'04'              DAT on
         L     3,=A(X'10000')
         LA    11,X1
         L     1,0(3)                  segment 1 invalid: segment translation
X1       L     3,=A(X'1FABC')
         LA    11,X2
         MVI   0(3),C'A'               the same, at a byte index (store)
X2       L     3,=A(X'100000')
         LA    11,X3
         L     1,0(3)                  segment 16: beyond 16 entries
X3       LA    3,RES                   R3: a valid address
         L     4,=A(X'10000')
         LA    11,X4
         MVC   0(4,3),0(4)             operand 2 in segment 1 (SS, ILC 3)
X4       LCTL  1,1,CR1L1               table length 1: 32 entries
         L     3,=A(X'100000')
         L     5,0(3)                  segment 16 now valid: frame X'8000'
         MVC   16(8,3),=C'SEG16OK!'
         L     3,=A(X'1F0000')
         LA    11,X5
         L     1,0(3)                  segment 31: invalid entry
X5       L     3,=A(X'200000')
         LA    11,X6
         L     1,0(3)                  segment 32: beyond 32 entries
X6       L     3,=A(X'FF0000')
         LA    11,X7
         LM    1,2,0(3)                segment 255: beyond (RS, ILC 2)
X7       STNSM SAVE,X'FB'              DAT off
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
CRS      DC    X'00800000',A(SEGTAB)   CR0; CR1: length 0, SEGTAB
CR1L1    DC    X'01',AL3(SEGTAB)       length 1
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SEGTRANS+X'A00'
LOG      DS    128F                    result log
         ORG   SEGTRANS+X'C00'
PLOG     DS    64F                     interruption log
         ORG   SEGTRANS+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)          segment 0: pages 0-15, frames 0-15
         DC    15X'00000001'           segments 1-15: invalid
         DC    X'00',AL3(PT16)         segment 16: one page
         DC    14X'00000001'           segments 17-30: invalid
         DC    X'00000001'             segment 31: invalid
         DC    32X'0000FF00'           beyond the table (length 1): never used
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0050',X'0060',X'0070'
         DC    X'0080',X'0090',X'00A0',X'00B0',X'00C0',X'00D0',X'00E0',X'00F0'
PT16     DC    X'0080'                 X'100000': frame X'8000'
         ORG   SEGTRANS+X'8000'
         DC    C'FRAME 8000 DATA '
         END
