* ADD UNNORMALIZED and SUBTRACT UNNORMALIZED (BC mode): AUR, AU, AWR, AW, SUR, SU,
* SWR, SW.  The sum keeps the characteristic of the larger operand (one more
* after a carry) and is not normalized; the guard digit takes part in the
* addition and is then dropped; the short forms keep the rightmost 32 bits of R1.
* GA22-7000 ch.9 "Add Unnormalized", "Subtract Unnormalized".  Program mask 0.
* The log at X'1000' has 32 bytes an entry (REC): R14 from BAL (ILC, CC, program
* mask), four zero bytes, FPR 0, FPR 2, FPR 4.
* COMPARE: 0-17FF
*
ADDUNNOR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   ADDUNNOR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   ADDUNNOR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* Short
         LD    0,ONES
         LD    2,ONES
         LE    0,S1
         AU    0,S1                    1 + 1: X'41200000', CC 2
         BAL   14,REC
         LE    0,SUN1
         LE    4,SUN1
         AUR   0,4                     X'42000100' twice: X'42000200', unnormalized
         BAL   14,REC
         LE    0,SHALF8
         AU    0,SHALF8                a carry: X'42100000'
         BAL   14,REC
         LE    0,SUN2
         AU    0,SUN3                  aligned to the larger characteristic
         BAL   14,REC
         LE    0,SUN3
         AU    0,SUN2                  the same, operands swapped
         BAL   14,REC
         LE    0,S1
         SU    0,SALMOST               guard digit: 1 - X'40FFFFFF' = X'41000000'?
         BAL   14,REC
         LE    0,S1
         LE    4,S2
         SUR   0,4                     1 - 2: CC 1
         BAL   14,REC
         LE    2,SUN2
         LE    4,SNEGUN
         SUR   2,4                     minus minus: plus
         BAL   14,REC
         LE    2,SNEGUN
         AUR   2,2                     the same register
         BAL   14,REC
* Long
         LD    0,L1
         AW    0,L1
         BAL   14,REC
         LD    0,LUN1
         LD    4,LUN2
         AWR   0,4
         BAL   14,REC
         LD    0,L1
         SW    0,LALMOST               the guard digit dropped
         BAL   14,REC
         LD    0,LPI
         LD    4,LE
         SWR   0,4
         BAL   14,REC
         LD    0,LE
         LD    4,LPI
         SWR   0,4                     CC 1
         BAL   14,REC
         LD    0,LCARRY
         AW    0,LCARRY                a carry: characteristic + 1
         BAL   14,REC
         LD    0,LNEGS
         SW    0,LUN1
         BAL   14,REC
         LD    0,LTINY
         AW    0,LTINY2                the smaller characteristic 0
         BAL   14,REC
         STD   0,FPRS                  the final registers
         STD   2,FPRS+8
         STD   4,FPRS+16
         STD   6,FPRS+24
         LPSW  DONE
*
* REC: record R14 (ILC, CC, program mask from BAL 14,REC), FPR 0, 2 and 4
REC      ST    14,0(0,10)
         STD   0,8(0,10)
         STD   2,16(0,10)
         STD   4,24(0,10)
         LA    10,32(0,10)
         BR    14
* PGMCHK: record the program old PSW and 140-147, then continue at the address in
* R11 in the mode of the old PSW
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         STCM  11,7,45(0)
         LPSW  40(0)
*
         DS    0D
ONES     DC    X'FFFFFFFFFFFFFFFF'
S1       DC    E'1'
S2       DC    E'2'
SHALF8   DC    X'41800000'
SUN1     DC    X'42000100'
SUN2     DC    X'44000ABC'
SUN3     DC    X'41123456'
SNEGUN   DC    X'C3000123'
SALMOST  DC    X'40FFFFFF'
L1       DC    D'1'
LUN1     DC    X'4500000000001234'
LUN2     DC    X'4300000123456789'
LALMOST  DC    X'40FFFFFFFFFFFFFF'
LPI      DC    X'413243F6A8885A30'
LE       DC    X'412B7E151628AED2'
LCARRY   DC    X'42FFFFFFFFFFFFFF'
LNEGS    DC    X'C3123456789ABCDE'
LTINY    DC    X'0000000000000005'
LTINY2   DC    X'0200000000000100'
         DS    0D
FPRS     DS    4D
         DS    0D
DONE     DC    X'0002000000000000'     disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   ADDUNNOR+X'E00'
PLOG     DS    64F                     interruption log
         ORG   ADDUNNOR+X'1000'
LOG      DS    512F                    result log
         END
