* SET and STORE CLOCK COMPARATOR (SCKC, STCKC); a clock-comparator interruption (X'1004').
* GA22-7000 ch.4 "Clock Comparator": an interruption condition while the TOD clock is higher
* than the comparator (CR0 bit 20 the subclass mask).
* COMPARE: 0-FFF
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
         LCTL  0,0,CR0OFF              external subclass masks off
         SCKC  FUTURE
         STCKC OUT1                    the value set (bits 0-51)
         LCTL  0,0,CR0CKC              clock-comparator mask on
         LA    11,X1
         STOSM SAVE,X'01'              enabled: comparator far in the future, nothing
         STNSM SAVE,X'FE'
         SCKC  PAST                    zero: the clock is higher
         LA    11,X1
         STOSM SAVE,X'01'              interruption
X1       STCKC OUT2
         LCTL  0,0,CR0OFF
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
FUTURE   DC    X'FFFFFFFFFFFFF000'
PAST     DC    D'0'
OUT1     DS    D
OUT2     DS    D
CR0OFF   DC    X'00000000'
CR0CKC   DC    X'00000800'
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CLOCKCOM+X'A00'
LOG      DS    128F                    result log
         ORG   CLOCKCOM+X'C00'
PLOG     DS    64F                     interruption log
         END
