* IPTE of an entry that is already invalid, and translation of a common segment.
* GA22-7000 ch.10 "Invalidate Page Table Entry"; ch.3: the common-segment bit (30) does not
* change translation.
* COMPARE: 0-2FFF, 9000-9FFF
*
INVALIDA START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   INVALIDA+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   INVALIDA+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         LCTL  0,1,CRS
         L     3,=A(PT0)
         L     2,=A(X'5000')
         IPTE  3,2                     page 5 already invalid: stays invalid
         L     2,=A(X'10000')
         LRA   4,0(2)                  segment 1 (common): translated
         BAL   14,REC
         STOSM SAVE,X'04'
         L     5,0(2)
         STNSM SAVE,X'FB'
         MVC   RES(32),0(3)
         ST    4,RES+32
         ST    5,RES+36
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
RES      DS    10F
         DS    0F
CRS      DC    X'00800000',A(SEGTAB)
SAVE     DS    F
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   INVALIDA+X'A00'
LOG      DS    128F                    result log
         ORG   INVALIDA+X'C00'
PLOG     DS    64F                     interruption log
         ORG   INVALIDA+X'2000'
SEGTAB   DC    X'F0',AL3(PT0)
         DC    X'00',AL3(PT1+2)        common segment (bit 30)
         DC    14X'00000001'
PT0      DC    X'0000',X'0010',X'0020',X'0030',X'0040',X'0008',10X'0008'
PT1      DC    X'0090'
         ORG   INVALIDA+X'9000'
         DC    C'COMMON  SEGMENT '
         END
