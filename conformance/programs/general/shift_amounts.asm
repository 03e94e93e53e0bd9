* Shift amounts from 32 to 63, and overflow detection across all shifted-out bits.
* GA22-7000 ch.7: single shifts by 32 or more leave zeros (or the sign); SLA overflow is set if
* any bit shifted out differs from the sign.
* COMPARE: 0-FFF
*
SHIFTAMO START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SHIFTAMO+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SHIFTAMO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'12345678'
         SLL   1,32                    zero
         BAL   14,REC
         L     1,=X'87654321'
         SRA   1,40                    all ones: CC 1
         BAL   14,REC
         L     1,=X'00000001'
         SLA   1,31                    the one reaches the sign position: overflow, CC 3
         BAL   14,REC
         L     1,=X'00000001'
         SLA   1,30                    X'40000000': CC 2
         BAL   14,REC
         L     1,=X'FFFFFFFF'
         SLA   1,40                    -1 shifted: sign kept, ones out equal the sign: CC 1
         BAL   14,REC
         L     1,=X'C0000000'
         SLA   1,1                     bit 1 equals the sign: no overflow
         BAL   14,REC
         LM    2,3,=X'0000000080000000'
         SLDA  2,32                    X'80000000' into bit 32 of the pair: overflow
         STM   2,3,RES
         BAL   14,REC
         LM    2,3,=X'FFFFFFFF00000001'
         SRDA  2,33                    -1 remains: CC 1
         STM   2,3,RES+8
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
RES      DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTAMO+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTAMO+X'C00'
PLOG     DS    64F                     interruption log
         END
