* TEST AND SET (TS): the leftmost bit gives the CC; the byte becomes all ones.
* GA22-7000 ch.7 "Test and Set".
* COMPARE: 0-FFF
*
TESTANDS START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   TESTANDS+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   TESTANDS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         TS    LOCK1                   was X'00': CC 0, now X'FF'
         BAL   14,REC
         TS    LOCK1                   CC 1
         BAL   14,REC
         TS    LOCK2                   X'7F': leftmost 0: CC 0
         BAL   14,REC
         TS    LOCK3                   X'80': CC 1
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
LOCK1    DC    X'00'
LOCK2    DC    X'7F'
LOCK3    DC    X'80'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TESTANDS+X'A00'
LOG      DS    128F                    result log
         ORG   TESTANDS+X'C00'
PLOG     DS    64F                     interruption log
         END
