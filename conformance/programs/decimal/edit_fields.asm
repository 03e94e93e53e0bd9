* EDIT and EDIT AND MARK with several fields: separators, fill, signs and the CC of the last field.
* GA22-7000 ch.8 "Edit": X'20' digit selector, X'21' significance starter, X'22' field
* separator (replaced by the fill byte, significance indicator off); a plus sign turns the
* significance indicator off; the CC describes the last field only: 0 zero, 1 less than
* zero, 2 greater than zero. EDMK puts the address of the first significant digit in R1.
* COMPARE: 0-FFF
*
EDITFIEL START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EDITFIEL+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EDITFIEL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVC   OUT1,PAT1
         ED    OUT1,SRC1               three fields: -12, +0, -345: last negative, CC 1
         BAL   14,REC
         MVC   OUT2,PAT1
         ED    OUT2,SRC2               -12, +0, +0: last zero, CC 0
         BAL   14,REC
         MVC   OUT3,PAT1
         ED    OUT3,SRC3               +7, -0, +8: last positive, CC 2
         BAL   14,REC
         MVC   OUT4,PAT2
         ED    OUT4,SRC4               pattern ends with a separator: CC 0
         BAL   14,REC
         MVC   OUT5,PAT3
         ED    OUT5,SRC5               one- and two-digit fields, fill '*'
         BAL   14,REC
         L     1,=X'AAAAAAAA'
         MVC   OUT6,PAT1
         EDMK  OUT6,SRC1               R1: first significant digit of the last field
         BAL   14,REC
         L     1,=X'BBBBBBBB'
         MVC   OUT7,PAT1
         EDMK  OUT7,SRC2               last field zero: R1 from the first field
         BAL   14,REC
         L     1,=X'CCCCCCCC'
         MVC   OUT8,PAT4
         EDMK  OUT8,SRC6               significance forced by X'21' only: R1 unchanged
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
* fill '*', 3 digits and ' CR'; separator; 3 digits; separator; 5 digits and '-'
PAT1     DC    C'*',X'202020',C' CR',X'22',X'202120',X'22',X'2020202120',C'-'
SRC1     DC    X'012D',X'000C',X'00345D'
SRC2     DC    X'012D',X'000C',X'00000C'
SRC3     DC    X'007C',X'000D',X'00008C'
* fill blank, 3 digits, separator at the end
PAT2     DC    C' ',X'202020',X'22'
SRC4     DC    X'123D'
* fill '*', four one-digit fields
PAT3     DC    C'*',X'21',X'22',X'20',X'22',X'21',X'22',X'2020'
SRC5     DC    X'01003C'
PAT4     DC    C' ',X'2120204B2020'
SRC6     DC    X'00001C'
OUT1     DS    CL18
OUT2     DS    CL18
OUT3     DS    CL18
OUT4     DS    CL5
OUT5     DS    CL9
OUT6     DS    CL18
OUT7     DS    CL18
OUT8     DS    CL7
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EDITFIEL+X'A00'
LOG      DS    128F                    result log
         ORG   EDITFIEL+X'C00'
PLOG     DS    64F                     interruption log
         END
