* BXH and BXLE when the index sum overflows: no exception, a signed comparison.
* GA22-7000 ch.7: the sum is a 32-bit signed number; overflow is ignored.
* COMPARE: 0-FFF
*
BRANCHIN START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   BRANCHIN+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   BRANCHIN+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=X'7FFFFFF0'
         L     4,=F'32'                increment: the sum overflows to negative
         L     5,=F'0'
         BXH   2,4,HIGH1               X'80000010' (negative) is not high
         MVI   RES,1
HIGH1    ST    2,RES+4
         L     2,=X'80000000'
         L     4,=F'-1'                sum X'7FFFFFFF': positive
         L     5,=F'0'
         BXLE  2,4,LOW2                not low or equal
         MVI   RES+1,1
LOW2     ST    2,RES+8
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
RES      DC    3F'0'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   BRANCHIN+X'A00'
LOG      DS    128F                    result log
         ORG   BRANCHIN+X'C00'
PLOG     DS    64F                     interruption log
         END
