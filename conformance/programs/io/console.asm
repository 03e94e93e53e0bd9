* Console output and input on a 3215 at 009: write with and without carrier return,
* command chaining, a line longer than the 3215's 126 print positions (with and
* without SLI), read inquiry with the operator's reply and with none left (unit
* exception), an immediate command (audible alarm: SIO CC 1), a command the 3215
* does not have (command reject: SIO CC 1, unit check, then SENSE), TEST I/O of the
* idle device and HALT I/O of the idle device (CC 1, status portion zero).
* GA22-7000-4 ch.12 "Input/Output Operations", ch.13 "Input/Output Instructions";
* the 3215's commands: reference/devices.py Console3215, docs/configuration.md.
*
* Each channel program is started by DOIO (CAW key 0): the CC of SIO is recorded and,
* after CC 0, the program waits enabled (EC mode, I/O mask) for the I/O interruption.
* A record of LOG is 16 bytes: byte 0 X'40'+CC*X'10' (BALR after SIO: ILC 1, the CC,
* program mask 0), bytes 2-3 the I/O address stored by the interruption (186-187),
* bytes 8-15 the CSW (location 64; cleared before each SIO).
* Without the device (the Hercules harness, conformance/hercules.py) every SIO gives CC 3
* and the program still ends in its disabled wait.
* COMPARE: 0-FFF
*
CONSOLE  START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   CONSOLE+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   CONSOLE+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   CONSOLE+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,LOG                  R10: the next LOG record
         LA    2,X'009'                R2: the console
         LA    1,CP1                   1: write, carrier return
         BAL   14,DOIO
         LA    1,CP2                   2: write, no CR; chained write, CR
         BAL   14,DOIO
         LA    1,CP3                   3: 130 bytes, no SLI: incorrect length
         BAL   14,DOIO
         LA    1,CP4                   4: 130 bytes with SLI
         BAL   14,DOIO
         LA    1,CP5                   5: read inquiry: the reply
         BAL   14,DOIO
         LA    1,CP6                   6: read inquiry: no reply left
         BAL   14,DOIO
         LA    1,CP7                   7: audible alarm (immediate)
         BAL   14,DOIO
         LA    1,CP8                   8: X'05': not a 3215 command
         BAL   14,DOIO
         LA    1,CP9                   9: SENSE
         BAL   14,DOIO
         TIO   0(2)                    10: TEST I/O, the device idle
         BALR  15,0
         STCM  15,8,0(10)
         LA    10,16(0,10)
         MVC   X'44'(2,0),ONES         11: HALT I/O, the device idle
         HIO   0(2)
         BALR  15,0
         STCM  15,8,0(10)
         MVC   12(2,10),X'44'(0)       the status portion it stored
         LA    10,16(0,10)
         LPSW  DONE
*
* DOIO: start the channel program at R1 on the device at R2 and record.
DOIO     ST    1,X'48'                 CAW: key 0, command address
         XC    X'40'(8,0),X'40'(0)     clear the CSW
         XC    X'B8'(4,0),X'B8'(0)     and the I/O interruption code
         SIO   0(2)
         BALR  15,0
         STCM  15,8,0(10)              X'40' + CC * X'10'
         BC    8,WAITIO                CC 0: wait for the interruption
         BC    4,RECORD                CC 1: the CSW was stored
         B     NEXT                    CC 2 or 3
WAITIO   LPSW  WAITPSW
IOINT    DS    0H                      the I/O new PSW comes here
RECORD   MVC   2(2,10),X'BA'(0)        I/O address (EC mode: 186-187)
         MVC   8(8,10),X'40'(0)        CSW
NEXT     LA    10,16(0,10)
         BR    14
*
         DS    0D
WAITPSW  DC    X'020A0000',A(0)        EC, I/O mask, wait
DONE     DC    X'000A0000',A(0)        EC, disabled wait
ONES     DC    X'FFFF'
         ORG   CONSOLE+X'600'
CP1      DC    X'09',AL3(HELLO),X'00',X'00',AL2(12)
CP2      DC    X'01',AL3(ABC),X'40',X'00',AL2(3)      CC
         DC    X'09',AL3(DEF),X'00',X'00',AL2(3)
CP3      DC    X'09',AL3(LONG),X'00',X'00',AL2(130)
CP4      DC    X'09',AL3(LONG),X'20',X'00',AL2(130)   SLI
CP5      DC    X'0A',AL3(BUF),X'20',X'00',AL2(20)     SLI
CP6      DC    X'0A',AL3(BUF+X'20'),X'20',X'00',AL2(20)   SLI
CP7      DC    X'0B',AL3(0),X'00',X'00',AL2(1)
CP8      DC    X'05',AL3(HELLO),X'00',X'00',AL2(12)
CP9      DC    X'04',AL3(SENSE),X'00',X'00',AL2(1)
HELLO    DC    C'HELLO, WORLD'
ABC      DC    C'ABC'
DEF      DC    C'DEF'
LONG     DC    13C'0123456789'
SENSE    DC    X'FF'
         ORG   CONSOLE+X'800'
LOG      DS    16XL16
         ORG   CONSOLE+X'A00'
BUF      DS    XL64
         END
