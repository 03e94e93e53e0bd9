* External-interruption subclass masks: a pending CPU-timer condition waits for CR0 bit 21.
* GA22-7000 ch.6 "External Interruption": a condition is taken only when PSW bit 7 and its
* subclass mask in CR0 (bit 21 for the CPU timer) are both one; it stays pending until then
* and is taken right after the instruction that enables it (LCTL, SPT, LPSW). EC mode: the
* code at 134-135; the old PSW has the CC and program mask of the interrupted program.
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
         LCTL  0,0,CR0OFF              every external subclass off
         SCKC  FAR                     no clock-comparator condition
         SPT   NEG                     CPU timer negative: condition pending
         L     1,=X'2A000000'          CC 2, program mask X'A'
         SPM   1
         STOSM SAVE,X'01'              PSW external mask on: still masked by CR0
         LA    1,1
         BAL   14,REC
         LCTL  0,0,CR0CPT              the interruption, right after LCTL
         LA    1,2
         BAL   14,REC
         SPT   NEG                     pending again: the interruption after SPT
         LA    1,3
         BAL   14,REC
         STNSM SAVE,X'FE'              PSW external mask off
         SPT   NEG
         LA    1,4
         BAL   14,REC
         LPSW  ENABLED                 enabled again: the interruption after LPSW
E1       LA    1,5
         BAL   14,REC
         STNSM SAVE,X'FE'
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
* EXTH: record the external old PSW and 132-135, make the CPU timer positive
* (the condition ends), resume the interrupted program
EXTH     MVC   0(8,13),24(0)
         MVC   8(4,13),132(0)
         LA    13,16(0,13)
         SPT   BIG
         LPSW  24(0)
*
         DS    0D
NEG      DC    X'FFFFFFFFFFF00000'
BIG      DC    X'7FFFFFFF00000000'
FAR      DC    X'FFFFFFFFFFFFF000'
ENABLED  DC    X'01080A00',A(E1)       external mask on, CC 0, program mask X'A'
CR0OFF   DC    X'00000000'
CR0CPT   DC    X'00000400'
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
