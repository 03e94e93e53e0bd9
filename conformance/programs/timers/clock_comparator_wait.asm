* A clock-comparator interruption ends an enabled wait.
* GA22-7000 ch.4. The comparator is set about a millisecond after the present clock value.
* COMPARE: 0-FFF
* IGNORE: 900-90F   the clock values
*
CLOCKCOM START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   CLOCKCOM+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   CLOCKCOM+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   CLOCKCOM+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0CKC
         STCK  NOW
         LM    2,3,NOW
         AL    3,=X'003E8000'          about 1 ms later
         BC    12,NOCARRY
         AL    2,=F'1'
NOCARRY  STM   2,3,LATER
         SCKC  LATER
         LA    11,X1
         LPSW  WAITPSW
X1       LCTL  0,0,CR0OFF
         SR    2,2
         SR    3,3
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
* EXTH: record the external old PSW and the CPU address and code,
* then continue at the address in R11
EXTH     MVC   0(8,13),24(0)
         MVC   8(4,13),132(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0D
WAITPSW  DC    X'010A0000',A(X'ABCDE')
CR0OFF   DC    X'00000000'
CR0CKC   DC    X'00000800'
         ORG   CLOCKCOM+X'900'
NOW      DS    D
LATER    DS    D
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CLOCKCOM+X'A00'
LOG      DS    128F                    result log
         ORG   CLOCKCOM+X'C00'
PLOG     DS    64F                     interruption log
         END
