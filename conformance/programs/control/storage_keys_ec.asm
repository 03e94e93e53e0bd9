* INSERT STORAGE KEY in EC mode: the reference and change bits are included.
* GA22-7000 ch.10 "Insert Storage Key": in EC mode bits 24-30 of R1 get the key, fetch-protection,
* reference and change bits, bit 31 zero; in BC mode bits 29-31 are zeros.
* COMPARE: 0-3FFF
*
STORAGEK START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   STORAGEK+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   STORAGEK+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'3000')
         LA    3,X'36'                 key 3, R, C
         SSK   3,2
         L     1,=X'EEEEEEEE'
         ISK   1,2                     X'EEEEEE36'
         RRB   0(2)
         ISK   4,2                     X'32'
         LA    3,X'58'
         SSK   3,2
         ISK   5,2                     X'58'
         CLI   0(2),0
         ISK   6,2                     X'5C'
         STM   4,6,RES
         L     2,=A(X'3800')
         ISK   7,2                     the other half of the 4K frame: X'00'
         ST    7,RES+12
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
RES      DS    4F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   STORAGEK+X'A00'
LOG      DS    128F                    result log
         ORG   STORAGEK+X'C00'
PLOG     DS    64F                     interruption log
         END
