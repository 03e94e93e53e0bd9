* Reference and change bits of both blocks an operand crosses, and RESET REFERENCE BIT's CC.
* GA22-7000 ch.3 "Reference Recording", "Change Recording": every block an operand is
* fetched from gets its reference bit, every block stored into its reference and change
* bits; a zero-length MVCL/CLCL refers to no storage. ISK (EC mode) shows R and C; RRB sets
* the CC from R and C (0 R0 C0, 1 R0 C1, 2 R1 C0, 3 R1 C1) and resets R. The operands cross
* from block X'5800' into block X'6000' (different 4K frames; their partners X'5000' and
* X'6800' stay unreferenced, see reset_reference_bit_2k.asm).
* COMPARE: 0-FFF, 5FE0-601F
*
REFERENC START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   REFERENC+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   REFERENC+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     5,=A(X'5FF8')           R5: operands at X'5FF8'-X'6007' and around
         L     6,=A(X'5800')
         L     7,=A(X'6000')
         LA    11,KEYTAB               R11: two ISK results per step
         BAL   15,RESET
         BAL   15,ISKS                 1: 00 00
         LM    1,4,0(5)                2: fetch: R both
         BAL   15,ISKS
         BAL   15,RESET
         STM   1,4,0(5)                3: store: R and C both
         BAL   15,ISKS
         BAL   15,RESET
         MVC   4(8,5),SRC              4: store X'5FFC'-X'6003'
         BAL   15,ISKS
         BAL   15,RESET
         CLC   4(8,5),SRC              5: fetch
         BAL   15,ISKS
         BAL   15,RESET
         MVC   DST(8),4(5)             6: the source crosses: R only
         BAL   15,ISKS
         BAL   15,RESET
         LA    2,4(0,5)
         SR    3,3
         LR    8,2
         SR    9,9
         MVCL  2,8                     7: zero lengths: no storage referred to
         BAL   15,ISKS
         CLCL  2,8                     8: zero lengths
         BAL   15,ISKS
         LA    3,8
         LA    9,8
         CLCL  2,8                     9: eight bytes each: R both
         BAL   15,ISKS
         BAL   15,RESET
         LA    2,4(0,5)
         LA    3,8
         LA    8,SRC
         LA    9,8
         MVCL  2,8                     10: a store through MVCL
         BAL   15,ISKS
         BAL   15,RESET
         TRT   4(8,5),ZTAB             11: TRT fetches only
         BAL   15,ISKS
         BAL   15,RESET
         TR    4(8,5),ZTAB             12: TR fetches and stores
         BAL   15,ISKS
         BAL   15,RESET
         L     1,=X'A1B2C3D4'
         STCM  1,15,6(5)               13: X'5FFE'-X'6001'
         BAL   15,ISKS
         BAL   15,RESET
         ICM   1,15,6(5)               14: fetch
         BAL   15,ISKS
         RRB   0(6)                    block X'5800' R1 C0: CC 2
         BAL   14,REC
         RRB   0(6)                    now R0 C0: CC 0
         BAL   14,REC
         STC   1,0(0,7)                block X'6000' R1 C1
         RRB   0(7)                    CC 3
         BAL   14,REC
         RRB   0(7)                    R0 C1: CC 1
         BAL   14,REC
         BAL   15,ISKS                 15: 00 02
         LPSW  DONE
*
* RESET: keys of blocks X'5800' and X'6000' to zero (R0 C0)
RESET    SR    0,0
         SSK   0,6
         SSK   0,7
         BR    15
* ISKS: the keys of blocks X'5800' and X'6000' into the next two bytes of KEYTAB
ISKS     SR    0,0
         ISK   0,6
         STC   0,0(0,11)
         ISK   0,7
         STC   0,1(0,11)
         LA    11,2(0,11)
         BR    15
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
SRC      DC    C'CROSSING'
DST      DC    XL8'00'
ZTAB     DC    256X'00'
KEYTAB   DC    32X'FF'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   REFERENC+X'A00'
LOG      DS    128F                    result log
         ORG   REFERENC+X'C00'
PLOG     DS    64F                     interruption log
         END
