* Two pending external conditions: CPU timer and clock comparator, taken one after the other.
* GA22-7000 ch.6 "External Interruption": when several conditions are pending, the order among
* them is model-dependent; both are taken. (The handler records each code.)
* COMPARE: 0-FFF
*
EXTERNAL START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   EXTERNAL+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   EXTERNAL+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   EXTERNAL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0OFF
         SPT   NEG                     CPU timer negative
         SCKC  PAST                    clock comparator passed
         LCTL  0,0,CR0BOTH
         LA    11,X1
         STOSM SAVE,X'01'              the first interruption
X1       LA    11,X2
         STOSM SAVE,X'01'              the second
X2       LCTL  0,0,CR0OFF
         SR    11,11
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
NEG      DC    X'FFFFFFFFFFFFF000'
PAST     DC    D'0'
CR0OFF   DC    X'00000000'
CR0BOTH  DC    X'00000C00'
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXTERNAL+X'A00'
LOG      DS    128F                    result log
         ORG   EXTERNAL+X'C00'
PLOG     DS    64F                     interruption log
         END
