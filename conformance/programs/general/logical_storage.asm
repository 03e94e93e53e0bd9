* AND, OR, EXCLUSIVE OR character (NC, OC, XC), XC to clear a field.
* GA22-7000 ch.7. CC 0 for an all-zero result, 1 otherwise.
* COMPARE: 0-FFF
*
LOGICALS START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOGICALS+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOGICALS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         NC    F1,M1                   CC 1
         BAL   14,REC
         OC    F2,M1                   CC 1
         BAL   14,REC
         XC    F3,F3                   clear: CC 0
         BAL   14,REC
         XC    F4,M1                   CC 1
         BAL   14,REC
         NC    F5,ZERO                 CC 0
         BAL   14,REC
         XC    F6(1),F6+1              one byte
         BAL   14,REC
         XC    F6+1(3),F6              overlapping operands, byte by byte
         BAL   14,REC
         XC    BIG(256),BIG2           256 bytes
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
F1       DC    X'123456789ABCDEF0'
F2       DC    X'123456789ABCDEF0'
F3       DC    X'123456789ABCDEF0'
F4       DC    X'123456789ABCDEF0'
F5       DC    X'123456789ABCDEF0'
F6       DC    X'F0E1D2C3'
M1       DC    X'FF00FF000F0F1111'
ZERO     DC    XL8'00'
BIG      DC    128X'5A',128X'A5'
BIG2     DC    256X'FF'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOGICALS+X'A00'
LOG      DS    128F                    result log
         ORG   LOGICALS+X'C00'
PLOG     DS    64F                     interruption log
         END
