* TRANSLATE AND TEST (TRT): CC 0/1/2, the address in R1 and the function byte in R2.
* GA22-7000 ch.7 "Translate and Test": R1 bits 8-31 get the address of the argument byte,
* R2 bits 24-31 the function byte; bits 0-7 of R1 and 0-23 of R2 are unchanged.
* COMPARE: 0-FFF
*
TRANSLAT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   TRANSLAT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   TRANSLAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'AA000000'
         L     2,=X'BBBBBBBB'
         TRT   TEXT1,DELIM             no nonzero function byte: CC 0, R1/R2 unchanged
         BAL   14,REC
         STM   1,2,RES
         TRT   TEXT2,DELIM             ',' in the middle: CC 1
         BAL   14,REC
         STM   1,2,RES+8
         TRT   TEXT3,DELIM             on the last byte: CC 2
         BAL   14,REC
         STM   1,2,RES+16
         L     1,=X'11000000'
         TRT   TEXT3(1),DELIM          one byte, function byte zero: CC 0
         BAL   14,REC
         STM   1,2,RES+24
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
TEXT1    DC    C'ABCDEFGH'
TEXT2    DC    C'ABC,EFGH'
TEXT3    DC    C'ABCDEFG;'
RES      DS    8F
DELIM    DC    256X'00'
         ORG   DELIM+C','
         DC    X'04'
         ORG   DELIM+C';'
         DC    X'08'
         ORG   DELIM+256
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TRANSLAT+X'A00'
LOG      DS    128F                    result log
         ORG   TRANSLAT+X'C00'
PLOG     DS    64F                     interruption log
         END
