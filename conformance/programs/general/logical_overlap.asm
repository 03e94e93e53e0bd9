* NC, OC, XC with overlapping operands: byte by byte, left to right; XC swaps and clears.
* GA22-7000 ch.7 "AND/OR/EXCLUSIVE OR (character)": the operands are processed left to right;
* when they overlap, the result is as if one byte were processed at a time, each result byte
* stored before the next operand byte is fetched. CC 0 result zero, 1 nonzero.
* COMPARE: 0-FFF
*
LOGICALO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOGICALO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOGICALO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         XC    F1+1(7),F1              each byte XORed with the new byte before it
         BAL   14,REC
         OC    F2+1(7),F2              the first byte's bits spread to the right
         BAL   14,REC
         NC    F3+1(7),F3              ANDs accumulate to the right
         BAL   14,REC
         XC    F4(7),F4+1              operand 2 ahead of operand 1: no propagation
         BAL   14,REC
         XC    F5+2(6),F5              two bytes apart
         BAL   14,REC
         XC    A,B                     swap A and B with three XCs
         XC    B,A
         XC    A,B
         BAL   14,REC
         XC    F6,F6                   clear: CC 0
         BAL   14,REC
         NC    F7,ZEROS                AND with zeros: CC 0
         BAL   14,REC
         OC    F8,ZEROS                OR with zeros: unchanged, CC 1
         BAL   14,REC
         OC    F9(1),F9                one byte, the same byte: CC 1
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
         DS    0D
F1       DC    X'0F1E2D3C4B5A6978'
F2       DC    X'8100020004000800'
F3       DC    X'FFFEFDFBF7EFDFBF'
F4       DC    X'0F1E2D3C4B5A6978'
F5       DC    X'0102040810204080'
A        DC    C'SWAPPED1'
B        DC    C'12345678'
F6       DC    X'0123456789ABCDEF'
F7       DC    X'0123456789ABCDEF'
F8       DC    X'0123456789ABCDEF'
F9       DC    X'5A'
ZEROS    DC    XL8'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOGICALO+X'A00'
LOG      DS    128F                    result log
         ORG   LOGICALO+X'C00'
PLOG     DS    64F                     interruption log
         END
