* SET and STORE CPU TIMER (SPT, STPT); a CPU-timer interruption (X'1005') when negative.
* GA22-7000 ch.4 "CPU Timer": decremented while the CPU runs; an interruption condition while
* negative (CR0 bit 21). STPT after SPT gives a lower value; the values are not compared.
* COMPARE: 0-FFF
* IGNORE: 900-90F   the CPU-timer values
*
CPUTIMER START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   CPUTIMER+X'58'
         DC    X'00080000',A(EXTH)     external new PSW
         ORG   CPUTIMER+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   CPUTIMER+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0OFF
         SPT   BIG
         STPT  T1
         CLC   T1,BIG                  lower than the value set: CC 1
         BAL   14,REC
         CLC   T1(4),BIG               bits 0-31: equal
         BAL   14,REC
         LCTL  0,0,CR0CPT              CPU-timer mask on
         LA    11,X1
         STOSM SAVE,X'01'              positive: nothing
         STNSM SAVE,X'FE'
         SPT   NEG
         LA    11,X1
         STOSM SAVE,X'01'              negative: interruption
X1       STPT  T2
         TM    T2,X'80'                still negative: CC 3
         BAL   14,REC
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
BIG      DC    X'7FFFFFFF00000000'
NEG      DC    X'FFFFFFFFFFFF0000'
CR0OFF   DC    X'00000000'
CR0CPT   DC    X'00000400'
SAVE     DS    F
         ORG   CPUTIMER+X'900'
T1       DS    D
T2       DS    D
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CPUTIMER+X'A00'
LOG      DS    128F                    result log
         ORG   CPUTIMER+X'C00'
PLOG     DS    64F                     interruption log
         END
