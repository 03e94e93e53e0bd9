* SUPERVISOR CALL in BC mode: the code, the ILC, and SVC under EXECUTE (ILC 2).
* GA22-7000 ch.6 "Supervisor-Call Interruption": the code is bits 8-15 of the instruction;
* BC mode: in the old PSW; EC mode: at locations 138-139 with the ILC at 137.
* COMPARE: 0-FFF
*
SUPERVIS START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SUPERVIS+X'60'
         DC    X'00000000',A(SVCH)     supervisor-call new PSW
         ORG   SUPERVIS+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SUPERVIS+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SVC   0
         SVC   255
         LA    1,X'2A'
         EX    1,SVC00                 SVC X'2A' under EXECUTE
         SR    1,1
         EX    1,SVC7F
         L     1,=X'02000000'          CC 0, no program mask change
         SPM   1
         SVC   1
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
* SVCH: record the SVC old PSW and the SVC ILC and code, resume after the SVC
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         LPSW  32(0)
*
SVC00    SVC   0
SVC7F    SVC   X'7F'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SUPERVIS+X'A00'
LOG      DS    128F                    result log
         ORG   SUPERVIS+X'C00'
PLOG     DS    64F                     interruption log
         END
