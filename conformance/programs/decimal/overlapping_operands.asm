* Decimal operands that are the same field, or overlap with coincident rightmost bytes.
* GA22-7000 ch.8: for AP, SP, ZAP and CP the operands may overlap when their rightmost bytes
* coincide (the second operand is used as it was before the result is stored). Results of
* differing lengths: a first operand shorter than the second, with and without overflow.
* COMPARE: 0-FFF
*
OVERLAPP START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   OVERLAPP+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   OVERLAPP+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         AP    F1,F1                   00500+ doubled: 01000+, CC 2
         BAL   14,REC
         SP    F2,F2                   00500- minus itself: zero, sign plus, CC 0
         BAL   14,REC
         AP    F3,F3                   50000+ doubled: overflow, CC 3
         BAL   14,REC
         CP    F4,F4                   equal: CC 0
         BAL   14,REC
         AP    F5(4),F5+2(2)           0001234+ plus 234+: 0001468+
         BAL   14,REC
         SP    F6(4),F6+2(2)           0001234- minus 234-: 0001000-
         BAL   14,REC
         ZAP   F7(4),F7+3(1)           the last byte 9D alone: 0000009-
         BAL   14,REC
         CP    F8(4),F8+2(2)           0001234+ against 234+: high, CC 2
         BAL   14,REC
         AP    F9(2),G9(5)             999+ plus 0000000001+: 000+ overflow, CC 3
         BAL   14,REC
         SP    F10(2),G10(5)           001+ minus 0000000002+: 001-, CC 1
         BAL   14,REC
         ZAP   F11(1),G11(4)           0000005-: fits in one byte: 5-, CC 1
         BAL   14,REC
         ZAP   F12(1),G12(4)           0000015+: overflow, 5+ CC 3
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
         LA    13,16(0,13)
         BR    11
*
         DS    0F
F1       DC    X'00500C'
F2       DC    X'00500D'
F3       DC    X'50000C'
F4       DC    X'12345D'
         DS    0F
F5       DC    X'0001234C'
F6       DC    X'0001234D'
F7       DC    X'1234569D'
F8       DC    X'0001234C'
F9       DC    X'999C'
G9       DC    X'000000001C'
F10      DC    X'001C'
G10      DC    X'000000002C'
F11      DC    X'7C'
G11      DC    X'0000005D'
F12      DC    X'7C'
G12      DC    X'0000015C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   OVERLAPP+X'A00'
LOG      DS    128F                    result log
         ORG   OVERLAPP+X'C00'
PLOG     DS    64F                     interruption log
         END
