* SET STORAGE KEY then INSERT STORAGE KEY for all 256 values of R1 bits 24-31, EC and BC mode.
* GA22-7000 ch.10: SSK sets the key (access-control bits, fetch-protection bit, reference
* and change bits) from bits 24-30 of R1; bit 31 and bits 0-23 are ignored. ISK places the
* key in bits 24-30 of R1 with bit 31 zero in EC mode; in BC mode only the access-control
* and fetch-protection bits (24-28), bits 29-31 zero. Bits 0-23 of R1 are unchanged.
* COMPARE: 0-FFF, 10000-1001F
*
SETSTORA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   SETSTORA+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   SETSTORA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'10000')          the block
         SR    3,3
LOOP1    SSK   3,2
         L     0,=X'ABCDEF99'
         ISK   0,2                     bits 0-23 stay X'ABCDEF'
         STC   0,TAB1(3)
         LA    3,1(0,3)
         CH    3,=H'256'
         BL    LOOP1
         ST    0,LAST1
         L     3,=X'FFFFFF5B'          bits 0-23 ignored, bit 31 ignored: X'5A'
         SSK   3,2
         ISK   4,2
         ST    4,LAST1+4
         LPSW  BCMODE
BC       SR    3,3
LOOP2    SSK   3,2
         L     0,=X'ABCDEF99'
         ISK   0,2
         STC   0,TAB2(3)
         LA    3,1(0,3)
         CH    3,=H'256'
         BL    LOOP2
         ST    0,LAST2
         LA    3,X'27'                 key 2, R, C, bit 31 (ignored): ISK (BC) X'20'
         SSK   3,2
         ISK   4,2
         ST    4,LAST2+4
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
         DS    0D
BCMODE   DC    X'00000000',A(BC)       BC mode, supervisor state, key 0
LAST1    DS    2F
LAST2    DS    2F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SETSTORA+X'600'
TAB1     DS    XL256                   EC mode
TAB2     DS    XL256                   BC mode
         ORG   SETSTORA+X'A00'
LOG      DS    128F                    result log
         ORG   SETSTORA+X'C00'
PLOG     DS    64F                     interruption log
         END
