* ICM, STCM, CLM: characters under mask, every kind of mask.
* GA22-7000 ch.7. ICM CC: 0 all inserted bits zero (or mask 0), 1 leftmost inserted bit one,
* 2 otherwise. CLM compares the selected bytes with contiguous storage.
* COMPARE: 0-FFF
*
CHARACTE START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CHARACTE+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CHARACTE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'11223344'
         ICM   1,15,DATA               X'80FF0001': CC 1
         BAL   14,REC
         L     1,=X'11223344'
         ICM   1,5,DATA                bytes 1 and 3: X'1180337F'? first two bytes of DATA
         BAL   14,REC
         L     1,=X'11223344'
         ICM   1,0,DATA                mask 0: nothing, CC 0
         BAL   14,REC
         L     1,=X'11223344'
         ICM   1,6,ZEROS               zeros: CC 0
         BAL   14,REC
         L     1,=X'11223344'
         ICM   1,1,SEVEN               X'7F': CC 2
         BAL   14,REC
         L     1,=X'A1B2C3D4'
         STCM  1,10,OUT                bytes 0 and 2 -> A1 C3
         STCM  1,7,OUT+4               B2 C3 D4
         STCM  1,0,OUT+8               nothing
         STCM  1,15,OUT+12
         CLM   1,10,CMP1               A1 C3 vs A1 C3: CC 0
         BAL   14,REC
         CLM   1,12,CMP2               A1 B2 vs A1 B3: CC 1
         BAL   14,REC
         CLM   1,1,CMP3                D4 vs 10: CC 2
         BAL   14,REC
         CLM   1,0,CMP3                mask 0: CC 0
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
DATA     DC    X'80FF0001'
ZEROS    DC    X'0000'
SEVEN    DC    X'7F'
CMP1     DC    X'A1C3'
CMP2     DC    X'A1B3'
CMP3     DC    X'10'
OUT      DC    16X'EE'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CHARACTE+X'A00'
LOG      DS    128F                    result log
         ORG   CHARACTE+X'C00'
PLOG     DS    64F                     interruption log
         END
