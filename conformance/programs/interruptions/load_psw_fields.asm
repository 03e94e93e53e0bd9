* LOAD PSW of BC-mode PSWs: the condition code and program mask become current.
* GA22-7000 ch.4: in BC mode bits 34-35 are the CC and 36-39 the program mask; bits 16-33
* (interruption code, ILC) are not used while the PSW is current.
* COMPARE: 0-FFF
*
LOADPSWF START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOADPSWF+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOADPSWF+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LPSW  PSW1                    CC 3, mask 1111
P1       BALR  1,0
         ST    1,RES
         LPSW  PSW2                    CC 1, mask 0100, code and ILC fields set
P2       BALR  1,0
         ST    1,RES+4
         LA    11,X1
         AP    A1,B1                   decimal overflow: interruption (mask bit 37 on)
X1       LPSW  PSW3                    EC mode: CC 2, mask 1000
P3       BALR  1,0
         ST    1,RES+8
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
PSW1     DC    X'00000000',X'3F',AL3(P1)
PSW2     DC    X'0000ABCD',X'D4',AL3(P2)
PSW3     DC    X'00082800',A(P3)
RES      DS    4F
A1       DC    X'999C'
B1       DC    X'1C'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOADPSWF+X'A00'
LOG      DS    128F                    result log
         ORG   LOADPSWF+X'C00'
PLOG     DS    64F                     interruption log
         END
