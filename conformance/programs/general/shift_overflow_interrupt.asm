* SLA and SLDA overflow with the fixed-point-overflow mask on: interruption code 8, result kept.
* GA22-7000 ch.7 "Shift Left Single/Double": the sign bit is unchanged, bits shifted out
* that differ from it are an overflow: CC 3, and with the program-mask bit on a
* fixed-point-overflow interruption (code 8, BC-mode old PSW: ILC 2, CC 3, program mask);
* the operation is completed: the shifted result is in the register(s).
* COMPARE: 0-FFF
*
SHIFTOVE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   SHIFTOVE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   SHIFTOVE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'08000000'
         SPM   1                       fixed-point-overflow mask on
         L     1,=X'40000000'
         SLA   1,1                     bit 1 out, unlike the sign: X'00000000'
         BAL   14,REC
         L     1,=X'80000001'
         SLA   1,31                    every bit out: X'80000000'
         BAL   14,REC
         L     1,=X'C0000005'
         SLA   1,1                     ones shifted out, like the sign: no overflow
         BAL   14,REC
         LM    2,3,=X'7FFFFFFFFFFFFFFF'
         SLDA  2,1                     X'7FFFFFFF FFFFFFFE', overflow
         STM   2,3,RES
         BAL   14,REC
         LM    2,3,=X'FFFFFFFF00000001'
         SLDA  2,32                    a zero goes out of a minus value: overflow
         STM   2,3,RES+8
         BAL   14,REC
         LM    2,3,=X'0000000180000000'
         SLDA  2,31                    the one of bit 31 goes out: X'40000000 0', overflow
         STM   2,3,RES+16
         BAL   14,REC
         L     1,=X'00000000'
         SPM   1                       mask off
         L     1,=X'40000000'
         SLA   1,2                     CC 3, no interruption
         BAL   14,REC
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then resume the interrupted program (its old PSW: CC and program mask)
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         LPSW  40(0)
*
RES      DS    6F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   SHIFTOVE+X'A00'
LOG      DS    128F                    result log
         ORG   SHIFTOVE+X'C00'
PLOG     DS    64F                     interruption log
         END
