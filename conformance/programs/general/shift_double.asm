* SHIFT DOUBLE (SLDA, SRDA, SLDL, SRDL) on an even-odd register pair.
* GA22-7000 ch.7. SLDA overflow sets CC 3 (mask off).
* COMPARE: 0-FFF
*
SHIFTDOU START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SHIFTDOU+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SHIFTDOU+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LM    2,3,=X'0000000180000000'
         SLDA  2,1                     R2:R3 = 3 * 2**32: CC 2
         STM   2,3,RES
         BAL   14,REC
         LM    2,3,=X'FFFFFFFF00000000'
         SRDA  2,16                    negative: CC 1
         STM   2,3,RES+8
         BAL   14,REC
         LM    2,3,=X'4000000000000000'
         SLDA  2,1                     overflow: CC 3
         STM   2,3,RES+16
         BAL   14,REC
         LM    2,3,=X'0000000000000000'
         SRDA  2,5                     zero: CC 0
         STM   2,3,RES+24
         BAL   14,REC
         LM    2,3,=X'0123456789ABCDEF'
         SLDL  2,20
         STM   2,3,RES+32
         LM    2,3,=X'0123456789ABCDEF'
         SRDL  2,36
         STM   2,3,RES+40
         LM    2,3,=X'FEDCBA9876543210'
         SRDA  2,63                    all ones: CC 1
         STM   2,3,RES+48
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
RES      DS    16F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTDOU+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTDOU+X'C00'
PLOG     DS    64F                     interruption log
         END
