* COMPARE (CR, C, CH) and COMPARE LOGICAL (CLR, CL): signed and unsigned order.
* GA22-7000 ch.7 "Compare", "Compare Halfword", "Compare Logical".
* COMPARE: 0-FFF
*
COMPARE  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   COMPARE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   COMPARE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=F'5'
         C     1,=F'5'                 equal: CC 0
         BAL   14,REC
         C     1,=F'6'                 low: CC 1
         BAL   14,REC
         C     1,=F'-6'                high: CC 2
         BAL   14,REC
         L     2,=F'-1'
         CR    1,2                     5 > -1: CC 2
         BAL   14,REC
         CLR   1,2                     5 < X'FFFFFFFF': CC 1
         BAL   14,REC
         CL    2,=X'FFFFFFFF'          equal: CC 0
         BAL   14,REC
         CH    1,=H'5'                 equal: CC 0
         BAL   14,REC
         L     1,=F'-32769'
         CH    1,=X'8000'              -32769 < -32768: CC 1
         BAL   14,REC
         L     1,=X'80000000'
         C     1,=X'7FFFFFFF'          CC 1
         BAL   14,REC
         CL    1,=X'7FFFFFFF'          CC 2
         BAL   14,REC
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
         ORG   COMPARE+X'A00'
LOG      DS    128F                    result log
         ORG   COMPARE+X'C00'
PLOG     DS    64F                     interruption log
         END
