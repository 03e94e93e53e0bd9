* External interruptions in BC mode: the code in the old PSW; CPU timer and clock comparator.
* GA22-7000 ch.6 "External Interruption": BC mode: the interruption code in bits 16-31 of the
* old PSW. Its ILC is unpredictable (the handler clears it).
* COMPARE: 0-FFF
*
EXTERNAL START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXTERNAL+X'58'
         DC    X'00000000',A(EXTH)     external new PSW
         ORG   EXTERNAL+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXTERNAL+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,0,CR0CPT
         SPT   NEG
         LA    11,X1
         SSM   EXT                     interruption (X'1005')
X1       LCTL  0,0,CR0CKC
         SCKC  PAST
         LA    11,X2
         SSM   EXT                     interruption (X'1004')
X2       LCTL  0,0,CR0OFF
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
* The ILC in a BC-mode external old PSW is unpredictable (GA22-7000 ch.6
* "Instruction-Length Code"): set it to zero in the old PSW and the copy
         NI    28(0),X'3F'
         NI    4(13),X'3F'
         LA    13,16(0,13)
         BR    11
*
         DS    0D
NEG      DC    X'FFFFFFFFFFFFF000'
PAST     DC    D'0'
CR0OFF   DC    X'00000000'
CR0CPT   DC    X'00000400'
CR0CKC   DC    X'00000800'
EXT      DC    X'01'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXTERNAL+X'A00'
LOG      DS    128F                    result log
         ORG   EXTERNAL+X'C00'
PLOG     DS    64F                     interruption log
         END
