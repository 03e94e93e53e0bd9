* Segment and page tables beyond storage: addressing exceptions in translation.
* GA22-7000 ch.3: a table entry outside storage is an addressing exception (suppression).
* COMPARE: 0-2FFF
*
TABLESBE START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   TABLESBE+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   TABLESBE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRBAD               segment table at X'300000': beyond storage
         L     1,=F'-1'
         LA    11,X1
         LRA   1,X'100'(0)
X1       LCTL  0,1,CRS                 segment 1's page table is beyond storage
         L     2,=A(X'10000')
         LA    11,X2
         LRA   1,0(2)
X2       ST    1,RES
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
         DS    0F
CRBAD    DC    X'00800000',A(X'300000')
CRS      DC    X'00800000',A(SEGTAB)
RES      DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TABLESBE+X'A00'
LOG      DS    128F                    result log
         ORG   TABLESBE+X'C00'
PLOG     DS    64F                     interruption log
         ORG   TABLESBE+X'2000'
SEGTAB   DC    X'F0',AL3(X'2040')
         DC    X'F0',AL3(X'300000')
         DC    14X'00000001'
         END
