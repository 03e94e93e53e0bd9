* Logical, compare-logical and logical arithmetic in RR and RX form, with their CCs.
* GA22-7000 ch.7: AND (NR), OR (OR, O): CC 0 zero, 1 not zero. COMPARE LOGICAL (CLR, CL):
* unsigned, CC 0 equal, 1 low, 2 high. ADD LOGICAL (ALR): CC 0 zero no carry, 1 not zero
* no carry, 2 zero carry, 3 not zero carry; SUBTRACT LOGICAL (SLR) the same (CC 0 cannot
* occur). SUBTRACT HALFWORD (SH): the halfword sign-extended, CC 0/1/2, 3 overflow (the
* program mask is zero: no interruption). BRANCH AND SAVE (BAS): the link is the address
* with zeros on the left (24-bit), unlike BAL. SHIFT LEFT DOUBLE LOGICAL (SLDL): CC
* unchanged. STORE HALFWORD (STH): the low halfword, at any byte boundary.
* COMPARE: 0-FFF
*
LOGMIX   START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   LOGMIX+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   LOGMIX+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
* AND, OR (RR)
         L     1,=X'FF00FF00'
         L     2,=X'00FF00FF'
         NR    1,2                     zero: CC 0
         BAL   14,REC
         L     1,=X'F0F0F0F0'
         L     2,=X'3C3C3C3C'
         NR    1,2                     X'30303030': CC 1
         BAL   14,REC
         SR    1,1
         SR    2,2
         OR    1,2                     zero: CC 0
         BAL   14,REC
         L     2,=X'80000001'
         OR    1,2                     X'80000001': CC 1
         BAL   14,REC
         O     1,=X'0F0F0F0F'          X'8F0F0F0F': CC 1
         BAL   14,REC
* COMPARE LOGICAL (RR, RX)
         L     1,=X'80000000'
         L     2,=X'7FFFFFFF'
         CLR   1,2                     high (signed it would be low): CC 2
         BAL   14,REC
         CLR   2,1                     low: CC 1
         BAL   14,REC
         CLR   1,1                     equal: CC 0
         BAL   14,REC
         CL    2,=X'FFFFFFFF'          low: CC 1
         BAL   14,REC
         CL    2,=X'7FFFFFFF'          equal: CC 0
         BAL   14,REC
         CL    1,=F'1'                 high: CC 2
         BAL   14,REC
* ADD LOGICAL, SUBTRACT LOGICAL (RR)
         L     1,=X'FFFFFFFF'
         LA    2,1
         ALR   1,2                     zero, carry: CC 2
         BAL   14,REC
         L     1,=X'7FFFFFFF'
         ALR   1,2                     X'80000000', no carry: CC 1
         BAL   14,REC
         L     1,=X'80000000'
         L     2,=X'80000001'
         ALR   1,2                     1, carry: CC 3
         BAL   14,REC
         SR    1,1
         ALR   1,1                     zero, no carry: CC 0
         BAL   14,REC
         LA    1,5
         LA    2,5
         SLR   1,2                     zero, carry: CC 2
         BAL   14,REC
         LA    1,3
         SLR   1,2                     X'FFFFFFFE', no carry: CC 1
         BAL   14,REC
         LA    1,7
         SLR   1,2                     2, carry: CC 3
         BAL   14,REC
* SUBTRACT HALFWORD, STORE HALFWORD
         LA    1,5
         SH    1,=H'-1'                6: CC 2
         BAL   14,REC
         SH    1,=H'6'                 zero: CC 0
         BAL   14,REC
         SH    1,=X'7FFF'              -32767: CC 1
         BAL   14,REC
         L     1,=X'80000000'
         SH    1,=H'1'                 overflow: CC 3, X'7FFFFFFF'
         BAL   14,REC
         L     1,=X'12345678'
         STH   1,HALF+1                X'5678' at an odd address
         STH   1,HALF+4
* BRANCH AND SAVE
         L     14,=X'FFFFFFFF'
         BAS   14,SUB                  R14: X'00' and the return address
         ST    14,LINKS
         LA    3,SUB
         L     14,=X'FFFFFFFF'
         BAS   14,0(3)                 the same, through a base register
         ST    14,LINKS+4
* SHIFT LEFT DOUBLE LOGICAL (CC unchanged)
         LA    1,1
         LTR   1,1                     CC 2
         LM    2,3,=X'0123456789ABCDEF'
         SLDL  2,4                     X'12345678 9ABCDEF0'
         STM   2,3,SHIFTS
         LM    2,3,=X'0123456789ABCDEF'
         SLDL  2,32                    X'89ABCDEF 00000000'
         STM   2,3,SHIFTS+8
         LM    2,3,=X'0123456789ABCDEF'
         SLDL  2,63                    X'80000000 00000000'
         STM   2,3,SHIFTS+16
         LM    2,3,=X'0123456789ABCDEF'
         SLDL  2,64                    amount 0 (bits 26-31 of X'40'): unchanged
         STM   2,3,SHIFTS+24
         BAL   14,REC                  CC still 2
         LPSW  DONE
*
SUB      BR    14
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
DONE     DC    X'0002000000000000'       disabled wait
HALF     DC    X'EEEEEEEEEEEEEEEE'
LINKS    DS    2F
SHIFTS   DS    8F
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   LOGMIX+X'A00'
LOG      DS    128F                    result log
         ORG   LOGMIX+X'C00'
PLOG     DS    64F                     interruption log
         END
