* Card to printer and punch: each card of a 3-card deck read from the 2540 reader at
* 00C is printed on the 1403 at 00F (write, space 1 line) and punched on the 2540
* punch at 00D; then unit exception at the end of the deck, a last line written with
* space 2, a space-1 immediate command (SIO CC 1), and HALT DEVICE of the idle reader.
* The reads and prints are started with START I/O and waited for enabled; the punch is
* started with START I/O FAST RELEASE and waited for, disabled, by a TEST I/O loop
* (CC 2 while the subchannel works, then CC 1: the CSW stored, the condition cleared).
* GA22-7000-4 ch.12-13; the devices' rules: reference/devices.py CardReader2540,
* CardPunch2540, Printer1403 and docs/configuration.md.  (The printer is at 00F: the
* Hercules harness of conformance/hercules.py has a 1403 of its own at 00E.)
*
* LOG records (16 bytes): byte 0 X'40'+CC*X'10' of the I/O instruction (BALR after it),
* bytes 2-3 the I/O address of the interruption (186-187), bytes 8-15 the CSW.
* Without devices every SIO gives CC 3 and the program ends in its disabled wait.
* COMPARE: 0-FFF
*
CARDS    START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   CARDS+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   CARDS+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   CARDS+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,LOG                  R10: the next LOG record
         SR    5,5                     R5: cards copied
         LA    6,10                    at most 10 cards
LOOP     LA    1,READ
         LA    2,X'00C'
         BAL   14,DOIO
         SRL   15,28                   the read's CC: 0100 + CC (ILC 01)
         LA    3,4
         CR    15,3                    CC 0: started
         BNE   EOF
         TM    X'44',X'01'             unit exception: no more cards
         BO    EOF
         LA    1,PRINT
         LA    2,X'00F'
         BAL   14,DOIO
         LA    1,PUNCH                 punch it
         ST    1,X'48'
         XC    X'40'(8,0),X'40'(0)
         LA    4,X'00D'
         SIOF  0(4)
         BALR  15,0
         STCM  15,8,0(10)
         LA    10,16(0,10)
         BC    7,NOPUNCH               not started
TIOLOOP  TIO   0(4)
         BC    2,TIOLOOP               CC 2: still working
         BALR  15,0
         STCM  15,8,0(10)
         MVC   8(8,10),X'40'(0)
NOPUNCH  LA    10,16(0,10)
         LA    5,1(0,5)
         BCT   6,LOOP
EOF      LA    1,LAST                  write and space 2 lines
         LA    2,X'00F'
         BAL   14,DOIO
         LA    1,SPACE                 space 1 line, immediate
         BAL   14,DOIO
         MVC   X'44'(2,0),ONES         HALT DEVICE of the idle reader
         LA    2,X'00C'
         HDV   0(2)
         BALR  15,0
         STCM  15,8,0(10)
         MVC   12(2,10),X'44'(0)
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
         ORG   CARDS+X'600'
READ     DC    X'02',AL3(CARD),X'20',X'00',AL2(80)     read, SLI
PRINT    DC    X'09',AL3(CARD),X'00',X'00',AL2(80)     write, space 1
PUNCH    DC    X'01',AL3(CARD),X'00',X'00',AL2(80)     punch
LAST     DC    X'11',AL3(ENDTEXT),X'00',X'00',AL2(11)  write, space 2
SPACE    DC    X'0B',AL3(0),X'00',X'00',AL2(1)         space 1, immediate
ENDTEXT  DC    C'END OF DECK'
         ORG   CARDS+X'700'
CARD     DS    CL80
         ORG   CARDS+X'800'
LOG      DS    24XL16
         END
