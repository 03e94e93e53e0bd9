* EDIT (ED): digit selectors, significance starter, field separator, fill, CC.
* GA22-7000 ch.8 "Edit": CC 0 last field zero, 1 less than zero, 2 greater than zero.
* COMPARE: 0-FFF
*
EDIT     START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EDIT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EDIT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVC   E1,PAT1
         ED    E1,N1                   1,234.56
         BAL   14,REC
         MVC   E2,PAT1
         ED    E2,N2                   0.05 with a negative sign: '-' kept? (CR symbol pattern)
         BAL   14,REC
         MVC   E3,PAT1
         ED    E3,N3                   zero: all fill
         BAL   14,REC
         MVC   E4,PAT2
         ED    E4,N4                   two fields with a field separator
         BAL   14,REC
         MVC   E5,PAT3
         ED    E5,N5                   fill '*', minus sign CR
         BAL   14,REC
         MVC   E6,PAT3
         ED    E6,N6                   same pattern, positive: CR blanked
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
PAT1     DC    X'4020206B2020214B2020'
N1       DC    X'0123456C'
N2       DC    X'0000005D'
N3       DC    X'0000000C'
PAT2     DC    X'402020202220202020'
N4       DC    X'01230C00456D'
PAT3     DC    X'5C2020214B2020C3D9'
N5       DC    X'00127D'
N6       DC    X'98765C'
E1       DS    CL10
E2       DS    CL10
E3       DS    CL10
E4       DS    CL9
E5       DS    CL9
E6       DS    CL9
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EDIT+X'A00'
LOG      DS    128F                    result log
         ORG   EDIT+X'C00'
PLOG     DS    64F                     interruption log
         END
