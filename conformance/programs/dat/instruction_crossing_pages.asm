* An instruction whose second half is in an invalid page: page translation on instruction fetch.
* GA22-7000 ch.3, ch.6: the exception is nullifying; the old PSW names the instruction; the
* translation-exception address is in the invalid page.
* The program new PSW has DAT on (pages 0-4 map to themselves: the handler and its logs), so
* the program goes on translated after each interruption.
* COMPARE: 0-2FFF, 4000-4FFF
*
INSTRUCT START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   INSTRUCT+X'68'
         DC    X'04080000',A(DATH)   program new PSW (EC mode, DAT on)
         ORG   INSTRUCT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         STOSM SAVE,X'04'
         LA    11,X1
         L     2,=A(X'4FFE')           an MVC starting 2 bytes before page 5 (invalid)
         BR    2
X1       STNSM SAVE,X'FB'
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
* The rightmost 12 bits of the translation-exception address are
* unpredictable (GA22-7000 ch.3, locations 144-147): set them to zero
         NI    146(0),X'F0'
         MVI   147(0),0
         NI    14(13),X'F0'
         MVI   15(13),0
         LA    13,16(0,13)
         BR    11
*
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INSTRUCT+X'A00'
LOG      DS    128F                    result log
         ORG   INSTRUCT+X'C00'
PLOG     DS    64F                     interruption log
         ORG   INSTRUCT+X'900'
* DATH: record the old PSW, the code and the translation-exception address (ILC and the
* rightmost 12 bits of the address are model-dependent: cleared), then continue at the
* address in R11 (DAT on)
DATH     MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         MVI   9(13),0
         MVI   141(0),0
         NI    146(0),X'F0'
         MVI   147(0),0
         NI    14(13),X'F0'
         MVI   15(13),0
         LA    13,16(0,13)
         BR    11
         ORG   INSTRUCT+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    15X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0008',10X'0008'
         ORG   INSTRUCT+X'4FFE'
         DC    X'D203'                 MVC ... (the rest in page 5)
         END
