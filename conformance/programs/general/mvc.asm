* MOVE (MVC, MVI): lengths 1 and 256, and the one-byte propagation of overlapping operands.
* GA22-7000 ch.7 "Move": operands are processed left to right one byte at a time.
* COMPARE: 0-FFF
*
MVC      START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MVC+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MVC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVC   DST(8),SRC
         MVC   DST+8(1),SRC+7          length 1
         MVI   PROP,C'*'
         MVC   PROP+1(15),PROP         propagate one byte to the right
         MVC   BIG(256),SRCBIG         length 256
         MVC   OVL+2(6),OVL            overlap two bytes to the right
         MVC   OVL2(6),OVL2+2          overlap to the left: a plain move
         CLI   DST,C'A'                the CC is not changed by MVC
         MVC   DST+12(4),SRC
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
*
SRC      DC    C'ABCDEFGH'
DST      DC    16C'.'
PROP     DC    16C' '
OVL      DC    C'12345678'
OVL2     DC    C'12345678'
SRCBIG   DC    64C'0123'
BIG      DC    256X'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MVC+X'A00'
LOG      DS    128F                    result log
         ORG   MVC+X'C00'
PLOG     DS    64F                     interruption log
         END
