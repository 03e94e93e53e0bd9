* EXECUTE (EX): the target's bits 8-15 ORed with R1 bits 24-31; R1 = 0 uses the target as is.
* GA22-7000 ch.7 "Execute". EX of EX is an execute exception (code 3); a target at an odd
* address is a specification exception. The handler resumes at R11.
* COMPARE: 0-FFF
*
EXECUTE  START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   EXECUTE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   EXECUTE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LA    3,4
         EX    3,MOVE                  MVC length 4 (5 bytes)
         LA    3,X'0F'
         EX    3,MOVE2                 length field X'00' OR X'0F': 16 bytes
         EX    0,MOVE3                 R1 = 0: as written (length 2, 3 bytes)
         L     1,=F'7'
         LA    4,3
         EX    4,LOADR                 LR 1,3 (R2 field from R4 bits 28-31)
         ST    1,RES
         LA    5,C'X'
         EX    5,MVIX                  MVI with the immediate byte from R5
         LA    6,X'F0'
         EX    6,CLI00                 CLI TXT,X'F0': CC 0
         BAL   14,REC
         LA    11,X1
         EX    0,EXEX                  execute exception
X1       LA    11,X2
         LA    7,MOVE+1
         EX    0,0(0,7)                odd target address: specification
X2       LA    8,X3
         LA    8,X3
         EX    0,BR8                   a branch executed: goes to X3
         MVI   RES+4,X'EE'
X3       MVI   RES+5,X'11'
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
MOVE     MVC   T1(0),SRC
MOVE2    MVC   T2(0),SRC
MOVE3    MVC   T3(3),SRC
LOADR    LR    1,0
MVIX     MVI   TXT,0
CLI00    CLI   TXT2,0
EXEX     EX    0,MOVE
BR8      BCR   15,8
SRC      DC    C'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
T1       DC    8C'.'
T2       DC    20C'.'
T3       DC    8C'.'
TXT      DC    C'.'
TXT2     DC    X'F0'
RES      DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   EXECUTE+X'A00'
LOG      DS    128F                    result log
         ORG   EXECUTE+X'C00'
PLOG     DS    64F                     interruption log
         END
