* PER successful-branching events of RR-format branches (BR, BCTR, BALR, BASR).
* GA22-7000 ch.4 "Program-Event Recording": the ILC identifies the instruction designated by
* the PER address: 1 for an RR-format branch, 2 for BXLE (here after an RR instruction).
* COMPARE: 0-FFF
* KNOWN: H5
*
SUCCESSF START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   SUCCESSF+X'68'
         DC    X'00080000',A(PERH)   program new PSW
         ORG   SUCCESSF+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  9,11,PERCR
         STOSM SAVE,X'40'              PER mask on
RANGE1   LA    3,T1
         BR    3                       taken: event, ILC 1
T1       LA    1,2
         LA    3,T2
T2       BCTR  1,3                     taken once
         LA    3,T3
         BALR  4,3                     taken
T3       LA    3,T4
         BASR  5,3                     taken
T4       BCTR  1,0                     no branch
         BCR   0,3                     no branch
         LA    6,4
         LA    7,4
         SR    5,5
RANGE2   BXLE  5,6,T5                  taken, after an RR instruction
T5       DS    0H
         STNSM SAVE,X'BF'              PER mask off
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
* PERH: record the program old PSW and locations 140-155 (ILC and code, translation-
* exception address, monitor class, PER code and PER address), then resume the
* interrupted program (its old PSW has the PER mask on)
PERH     MVC   0(8,13),40(0)
         MVC   8(16,13),140(0)
         XC    150(6,0),150(0)         clear the PER code and address for the next event
         LA    13,24(0,13)
         LPSW  40(0)
*
         DS    0F
PERCR    DC    X'80000000',A(RANGE1),A(RANGE2)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SUCCESSF+X'A00'
LOG      DS    128F                    result log
         ORG   SUCCESSF+X'C00'
PLOG     DS    64F                     interruption log
         END
