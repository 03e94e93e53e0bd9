* ICM, STCM and CLM with each of the 16 masks (the mask supplied by EXECUTE).
* GA22-7000 ch.7: the bytes selected by the mask are inserted from, stored into or compared
* with contiguous storage; ICM CC 0 (all inserted bits zero, or mask 0), 1 (leftmost inserted
* bit one), 2 (otherwise); CLM CC 0 equal (or mask 0), 1 low, 2 high. EX ORs bits 24-31 of
* R5 (the mask, 0-15) into bits 8-15 of the target: R1 field 1, M3 field 0.
* COMPARE: 0-FFF
*
MASKSEXH START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   MASKSEXH+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   MASKSEXH+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         SR    5,5                     ICM from DATA1 (leftmost byte zero): CC 0 or 2
LOOP1    L     1,=X'11223344'
         EX    5,ICM1
         BAL   14,REC
         LA    5,1(0,5)
         CH    5,=H'16'
         BL    LOOP1
         SR    5,5                     ICM from DATA2 (leftmost byte X'80'): CC 0 or 1
LOOP2    L     1,=X'11223344'
         EX    5,ICM2
         BAL   14,REC
         LA    5,1(0,5)
         CH    5,=H'16'
         BL    LOOP2
         SR    5,5                     STCM into OUT+4*mask (prefilled X'EE')
         LA    6,OUT
         L     1,=X'A1B2C3D4'
LOOP3    EX    5,STCM1
         LA    6,4(0,6)
         LA    5,1(0,5)
         CH    5,=H'16'
         BL    LOOP3
         SR    5,5                     CLM with CMPDATA: bytes A1 B3 C2 D4 in order
LOOP4    EX    5,CLM1
         BAL   14,REC
         LA    5,1(0,5)
         CH    5,=H'16'
         BL    LOOP4
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
ICM1     ICM   1,0,DATA1
ICM2     ICM   1,0,DATA2
STCM1    STCM  1,0,0(6)
CLM1     CLM   1,0,CMPDATA
DATA1    DC    X'0080FF7F'
DATA2    DC    X'80000100'
CMPDATA  DC    X'A1B3C2D4'
         DS    0F
OUT      DC    64X'EE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   MASKSEXH+X'A00'
LOG      DS    128F                    result log
         ORG   MASKSEXH+X'C00'
PLOG     DS    64F                     interruption log
         END
