* TEST PROTECTION (TPROT): CC 0 fetch and store, 1 fetch only, 2 neither.
* GA22-7000 ch.10 "Test Protection": the key is bits 24-27 of the second-operand address.
* COMPARE: 0-1FFF
*
TESTPROT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   TESTPROT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   TESTPROT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'1000')
         LA    3,X'50'
         SSK   3,2                     key 5
         L     4,=A(X'1800')
         LA    3,X'58'
         SSK   3,4                     key 5, fetch protected
         TPROT 0(2),X'50'              CC 0
         BAL   14,REC
         TPROT 0(2),X'60'              CC 1
         BAL   14,REC
         TPROT 0(4),X'60'              CC 2
         BAL   14,REC
         TPROT 0(4),X'00'              key 0: CC 0
         BAL   14,REC
         TPROT 0(4),X'50'              CC 0
         BAL   14,REC
         TPROT 0(2),X'FF'              key 15: CC 1
         BAL   14,REC
         TPROT 100(4),X'5F'            key 5 (bits 28-31 ignored): CC 0
         BAL   14,REC
         L     5,=A(X'300000')
         LA    11,X1
         TPROT 0(5),X'50'              beyond storage: addressing
X1       BAL   14,REC
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
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TESTPROT+X'A00'
LOG      DS    128F                    result log
         ORG   TESTPROT+X'C00'
PLOG     DS    64F                     interruption log
         END
