* CRC-16/CCITT of a string, bit by bit (SLL, SRL, XR, N, TM, BCT).
* A small algorithm: logical shifts and masks in a loop (polynomial X'1021', start X'FFFF').
* COMPARE: 0-FFF
*
CRC16    START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CRC16+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CRC16+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'0000FFFF'          crc
         LA    2,MSG
         LA    3,L'MSG
BYTE     IC    4,0(0,2)
         N     4,=X'000000FF'
         SLL   4,8
         XR    1,4
         LA    5,8
BIT      SLL   1,1
         LR    6,1
         N     6,=X'00010000'
         BZ    NOXOR
         X     1,=X'00001021'
NOXOR    N     1,=X'0000FFFF'
         BCT   5,BIT
         LA    2,1(0,2)
         BCT   3,BYTE
         ST    1,RES
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
MSG      DC    C'123456789'
RES      DS    F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CRC16+X'A00'
LOG      DS    128F                    result log
         ORG   CRC16+X'C00'
PLOG     DS    64F                     interruption log
         END
