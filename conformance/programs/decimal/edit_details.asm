* EDIT details: fill byte that is a digit selector, separators, sign handling per field.
* GA22-7000 ch.8 "Edit": the first pattern byte is the fill byte whatever its code; a field
* separator resets significance; the CC reflects the last field.
* COMPARE: 0-FFF
*
EDITDETA START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EDITDETA+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EDITDETA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVC   E1,P1
         ED    E1,N1                   fill X'20' (a digit selector as fill)
         BAL   14,REC
         MVC   E2,P2
         ED    E2,N2                   three fields: plus, minus, zero
         BAL   14,REC
         MVC   E3,P3
         ED    E3,N3                   message characters after the last digit: sign-dependent
         BAL   14,REC
         MVC   E4,P4
         ED    E4,N4                   significance starter then zero digits
         BAL   14,REC
         MVC   E5,P5
         ED    E5,N5                   a one-byte pattern: the fill byte only, CC 0
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
P1       DC    X'2020202120'
N1       DC    X'00123C'
P2       DC    X'40202120222021202220212060'
N2       DC    X'012C034D000C'
P3       DC    X'402020214B2020406040C3D9'
N3       DC    X'12345D'
P4       DC    X'5C21202020'
N4       DC    X'00000C'
P5       DC    X'40'
N5       DC    X'12'
E1       DS    CL5
E2       DS    CL13
E3       DS    CL12
E4       DS    CL5
E5       DS    CL1
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EDITDETA+X'A00'
LOG      DS    128F                    result log
         ORG   EDITDETA+X'C00'
PLOG     DS    64F                     interruption log
         END
