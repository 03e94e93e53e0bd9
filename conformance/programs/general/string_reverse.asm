* Reversing a string byte by byte, and upper-casing it with TR (IC, STC, BCTR, TR).
* A small algorithm.
* COMPARE: 0-FFF
*
STRINGRE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   STRINGRE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   STRINGRE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    2,TEXT
         LA    3,TEXT+L'TEXT-1
LOOP     CR    2,3
         BNL   DONEREV
         IC    4,0(0,2)
         IC    5,0(0,3)
         STC   5,0(0,2)
         STC   4,0(0,3)
         LA    2,1(0,2)
         BCTR  3,0
         B     LOOP
DONEREV  MVC   COPY,TEXT
         TR    COPY,UPPER
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
TEXT     DC    C'the quick brown fox jumps over the lazy dog'
COPY     DS    CL(L'TEXT)
UPPER    DS    0XL256
         DC    X'000102030405060708090A0B0C0D0E0F'
         DC    X'101112131415161718191A1B1C1D1E1F'
         DC    X'202122232425262728292A2B2C2D2E2F'
         DC    X'303132333435363738393A3B3C3D3E3F'
         DC    X'404142434445464748494A4B4C4D4E4F'
         DC    X'505152535455565758595A5B5C5D5E5F'
         DC    X'606162636465666768696A6B6C6D6E6F'
         DC    X'707172737475767778797A7B7C7D7E7F'
         DC    X'80C1C2C3C4C5C6C7C8C98A8B8C8D8E8F'
         DC    X'90D1D2D3D4D5D6D7D8D99A9B9C9D9E9F'
         DC    X'A0A1E2E3E4E5E6E7E8E9AAABACADAEAF'
         DC    X'B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF'
         DC    X'C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF'
         DC    X'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'
         DC    X'E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF'
         DC    X'F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STRINGRE+X'A00'
LOG      DS    128F                    result log
         ORG   STRINGRE+X'C00'
PLOG     DS    64F                     interruption log
         END
