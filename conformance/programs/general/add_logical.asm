* ADD LOGICAL and SUBTRACT LOGICAL (ALR, AL, SLR, SL): carries and condition codes.
* GA22-7000 ch.7 "Add Logical", "Subtract Logical": CC 0-3 from zero/nonzero and carry.
* COMPARE: 0-FFF
*
ADDLOGIC START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADDLOGIC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADDLOGIC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    1,1
         AL    1,=F'0'                 zero, no carry: CC 0
         BAL   14,REC
         L     1,=F'1'
         AL    1,=F'2'                 nonzero, no carry: CC 1
         BAL   14,REC
         L     1,=X'FFFFFFFF'
         AL    1,=F'1'                 zero, carry: CC 2
         BAL   14,REC
         L     1,=X'FFFFFFFF'
         ALR   1,1                     X'FFFFFFFE', carry: CC 3
         BAL   14,REC
         L     1,=X'80000000'
         AL    1,=X'7FFFFFFF'          X'FFFFFFFF', no carry: CC 1
         BAL   14,REC
         L     1,=F'5'
         SL    1,=F'5'                 zero, carry: CC 2
         BAL   14,REC
         L     1,=F'5'
         SL    1,=F'3'                 2, carry: CC 3
         BAL   14,REC
         L     1,=F'3'
         SL    1,=F'5'                 X'FFFFFFFE', no carry: CC 1
         BAL   14,REC
         SR    1,1
         SLR   1,1                     zero minus zero: carry, CC 2
         BAL   14,REC
         SR    1,1
         L     2,=X'80000000'
         SLR   1,2                     X'80000000', no carry: CC 1
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
         ORG   ADDLOGIC+X'A00'
LOG      DS    128F                    result log
         ORG   ADDLOGIC+X'C00'
PLOG     DS    64F                     interruption log
         END
