* Initial program loading from a card reader (2540R at 00C, a binary deck of three
* cards, io/ipl.deck).  The image (this program: code at X'400') is loaded first, then
* the machine is started by IPL from 00C instead of the restart interruption
* (``ipl = "00C"``, conformance/expectations.py).  GA22-7000-4 ch.4 "Initial Program
* Loading": a READ of 24 bytes into absolute 0 (implicit CCW at 0, command X'02',
* command chaining and SLI), command chaining from the CCW at 8, then the PSW at 0 is
* loaded and, for an EC-mode PSW, the I/O address stored at 186-187.
*   Card 1: 0-7 the IPL PSW X'00080000 00000400' (EC mode, disabled, X'400'); 8-15 CCW
*   X'02' read into X'300', CC + SLI, 80 bytes; 16-23 CCW X'03' no-operation, count 1
*   (the end of the chain); the rest zeros, not read (SLI).  Card 2: 80 bytes X'F2'
*   (read into X'300' by the CCW at 8).  Card 3: 80 bytes X'F3'.
* The program then keeps the I/O address from 186-187, reads card 3 into X'380' and
* reads again: unit exception, the deck is exhausted.
* Started by the restart interruption without devices (the Hercules harness,
* conformance/hercules.py) it runs the same code: SIO gives CC 3, it ends in its wait.
* COMPARE: 0-FFF
*
IPL      START 0
         DC    X'00080000',A(BEGIN)    (restart: the same start)
         ORG   IPL+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   IPL+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   IPL+X'400'
BEGIN    BALR  12,0
         USING *,12
         MVC   IPLDEV(2),X'BA'         the IPL device's address (186-187)
         LA    10,LOG
         LA    2,X'00C'
         LA    1,READ3                 card 3
         BAL   14,DOIO
         LA    1,READ3                 no card left
         BAL   14,DOIO
         LPSW  DONE
*
* DOIO: start the channel program at R1 on the device at R2 and record (16 bytes:
* X'40' + CC * X'10', 0, the interruption's I/O address, 4 zeros, the CSW).
DOIO     ST    1,X'48'
         XC    X'40'(8,0),X'40'(0)
         XC    X'B8'(4,0),X'B8'(0)
         SIO   0(2)
         BALR  15,0
         STCM  15,8,0(10)
         BC    8,WAITIO
         BC    4,RECORD
         B     NEXT
WAITIO   LPSW  WAITPSW
IOINT    DS    0H
RECORD   MVC   2(2,10),X'BA'(0)
         MVC   8(8,10),X'40'(0)
NEXT     LA    10,16(0,10)
         BR    14
*
         DS    0D
WAITPSW  DC    X'020A0000',A(0)        EC, I/O mask, wait
DONE     DC    X'000A0000',A(0)        EC, disabled wait
READ3    DC    X'02',AL3(X'380'),X'20',X'00',AL2(80)   read, SLI
IPLDEV   DC    H'0'
         ORG   IPL+X'600'
LOG      DS    4XL16
         END
