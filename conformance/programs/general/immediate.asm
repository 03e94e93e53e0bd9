* Storage-immediate instructions (MVI, NI, OI, XI, CLI, TM).
* GA22-7000 ch.7. TM: CC 0 all selected bits zero, 1 mixed, 3 all ones; mask 0 gives CC 0.
* COMPARE: 0-FFF
*
IMMEDIAT START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   IMMEDIAT+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   IMMEDIAT+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVI   BYTES,X'5A'
         NI    BYTES,X'0F'             X'0A': CC 1
         BAL   14,REC
         NI    BYTES,X'F0'             zero: CC 0
         BAL   14,REC
         OI    BYTES+1,X'00'           zero stays: CC 0
         BAL   14,REC
         OI    BYTES+1,X'81'           CC 1
         BAL   14,REC
         XI    BYTES+2,X'FF'           X'FF'
         BAL   14,REC
         XI    BYTES+2,X'FF'           zero: CC 0
         BAL   14,REC
         MVI   BYTES+3,X'C3'
         TM    BYTES+3,X'C3'           all ones: CC 3
         BAL   14,REC
         TM    BYTES+3,X'3C'           all zeros: CC 0
         BAL   14,REC
         TM    BYTES+3,X'81'           mixed: CC 1
         BAL   14,REC
         TM    BYTES+3,X'00'           mask zero: CC 0
         BAL   14,REC
         CLI   BYTES+3,X'C3'           CC 0
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
BYTES    DC    XL4'00'
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   IMMEDIAT+X'A00'
LOG      DS    128F                    result log
         ORG   IMMEDIAT+X'C00'
PLOG     DS    64F                     interruption log
         END
