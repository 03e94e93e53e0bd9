* Locations 144-147 hold the translation-exception address until the next translation exception.
* GA22-7000 ch.3: locations 144-147 are stored only for segment- and page-translation
* exceptions; a later data exception (EC mode) leaves them.
* The program new PSW has DAT on (pages 0-4 map to themselves: the handler and its logs), so
* the program goes on translated after each interruption.
* COMPARE: 0-2FFF
* KNOWN: H7
*
TRANSLAT START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   TRANSLAT+X'68'
         DC    X'04080000',A(PGMCHK)   program new PSW (EC mode, DAT on)
         ORG   TRANSLAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         STOSM SAVE,X'04'              DAT on
         L     3,=A(X'5000')
         LA    11,X1
         L     1,0(3)                  page translation: TEA X'5000'
X1       LA    11,X2
         AP    P1,P2                   data exception
X2       STNSM SAVE,X'FB'
         MVC   RES(4),144(0)
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then continue at the address in R11 (DAT on)
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
P1       DC    X'123C'
P2       DC    X'12'
RES      DS    F
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   TRANSLAT+X'A00'
LOG      DS    128F                    result log
         ORG   TRANSLAT+X'C00'
PLOG     DS    64F                     interruption log
         ORG   TRANSLAT+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    15X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0008',10X'0008'
         END
