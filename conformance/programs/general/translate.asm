* TRANSLATE (TR): each byte replaced by the table byte it indexes; overlap with the table.
* GA22-7000 ch.7 "Translate". The CC is unchanged.
* COMPARE: 0-FFF
*
TRANSLAT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   TRANSLAT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   TRANSLAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         TR    TEXT,UPPER              lower to upper case (EBCDIC)
         TR    HEXIN,HEXTAB            digits 0-9 to X'00'-X'09'
         TR    ALL(256),INVERT         every byte value
         LA    1,5
         LTR   1,1                     CC 2 before and after
         TR    TEXT2,INVERT
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
TEXT     DC    C'hello, world'
TEXT2    DC    X'000180FF7F'
HEXIN    DC    C'0123456789'
HEXTAB   DC    240X'FF',X'00010203040506070809'
UPPER    DC    256X'00'
         ORG   UPPER+X'40'
         DC    C' '
         ORG   UPPER+X'6B'
         DC    C','
         ORG   UPPER+X'81'
         DC    C'ABCDEFGHI'
         ORG   UPPER+X'91'
         DC    C'JKLMNOPQR'
         ORG   UPPER+X'A2'
         DC    C'STUVWXYZ'
         ORG   UPPER+256
ALL      DS    0XL256
         DC    X'000102030405060708090A0B0C0D0E0F'
         DC    X'101112131415161718191A1B1C1D1E1F'
         DC    X'202122232425262728292A2B2C2D2E2F'
         DC    X'303132333435363738393A3B3C3D3E3F'
         DC    X'404142434445464748494A4B4C4D4E4F'
         DC    X'505152535455565758595A5B5C5D5E5F'
         DC    X'606162636465666768696A6B6C6D6E6F'
         DC    X'707172737475767778797A7B7C7D7E7F'
         DC    X'808182838485868788898A8B8C8D8E8F'
         DC    X'909192939495969798999A9B9C9D9E9F'
         DC    X'A0A1A2A3A4A5A6A7A8A9AAABACADAEAF'
         DC    X'B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF'
         DC    X'C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF'
         DC    X'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'
         DC    X'E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF'
         DC    X'F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'
INVERT   DS    0XL256
         DC    X'FFFEFDFCFBFAF9F8F7F6F5F4F3F2F1F0'
         DC    X'EFEEEDECEBEAE9E8E7E6E5E4E3E2E1E0'
         DC    X'DFDEDDDCDBDAD9D8D7D6D5D4D3D2D1D0'
         DC    X'CFCECDCCCBCAC9C8C7C6C5C4C3C2C1C0'
         DC    X'BFBEBDBCBBBAB9B8B7B6B5B4B3B2B1B0'
         DC    X'AFAEADACABAAA9A8A7A6A5A4A3A2A1A0'
         DC    X'9F9E9D9C9B9A99989796959493929190'
         DC    X'8F8E8D8C8B8A89888786858483828180'
         DC    X'7F7E7D7C7B7A79787776757473727170'
         DC    X'6F6E6D6C6B6A69686766656463626160'
         DC    X'5F5E5D5C5B5A59585756555453525150'
         DC    X'4F4E4D4C4B4A49484746454443424140'
         DC    X'3F3E3D3C3B3A39383736353433323130'
         DC    X'2F2E2D2C2B2A29282726252423222120'
         DC    X'1F1E1D1C1B1A19181716151413121110'
         DC    X'0F0E0D0C0B0A09080706050403020100'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TRANSLAT+X'A00'
LOG      DS    128F                    result log
         ORG   TRANSLAT+X'C00'
PLOG     DS    64F                     interruption log
         END
