* A 3370 (FBA) disk at 150: write two blocks (data chaining at the block boundary),
* read three blocks back through an extent that starts at device block 2, and the
* error paths: a DEFINE EXTENT with an invalid file mask, a LOCATE beyond the extent,
* a LOCATE to write through an extent that inhibits writes (each unit check, then
* SENSE: command reject), a READ not chained from LOCATE (rejected on command
* chaining; then SENSE), data chaining to a CCW whose count is zero (program check).
* Then, with
* I/O interruptions disabled: START I/O, TEST CHANNEL until an interruption is pending
* on channel 1, CLEAR I/O (it performs the TEST I/O function: CC 1, the CSW stored, the
* condition cleared), TEST I/O and TEST CHANNEL (CC 0); and STORE CHANNEL ID of
* channel 1 (CC 0; the channel type it stores is the model's and is not checked).
* The disk image io/disk16.img has 16 blocks; block b holds 512 bytes of X'bb'
* (block 0 X'00', block 1 X'11', ... block 15 X'FF').
* GA22-7000-4 ch.12-13; the 3370's commands: reference/devices.py Disk3370,
* docs/configuration.md.
*
* LOG records (16 bytes): byte 0 X'40'+CC*X'10' of the I/O instruction (BALR after it),
* bytes 2-3 the I/O address of the interruption (186-187), bytes 8-15 the CSW.
* Without the device (the Hercules harness) every instruction gives CC 3 and the
* program ends in its disabled wait.
* COMPARE: 0-1FFF
*
DISK     START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   DISK+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   DISK+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   DISK+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,LOG                  R10: the next LOG record
         LA    2,X'150'                R2: the disk
         LA    3,X'100'                R3: its channel
         STIDC 0(3)                    1: STORE CHANNEL ID, channel 1
         BAL   14,CC
         LA    1,WRITE                 2: write blocks 5-6
         BAL   14,DOIO
         LA    1,READ                  3: read data-set blocks 2-4
         BAL   14,DOIO
         LA    1,BADDE                 4: invalid file mask
         BAL   14,DOIO
         LA    1,SENSE1                5: SENSE
         BAL   14,DOIO
         LA    1,BEYOND                6: LOCATE beyond the extent
         BAL   14,DOIO
         LA    1,SENSE2                7: SENSE
         BAL   14,DOIO
         LA    1,NOWRITE               8: write inhibited by the file mask
         BAL   14,DOIO
         LA    1,NOLOC                 9: READ chained from DEFINE EXTENT
         BAL   14,DOIO
         LA    1,SENSE3                10: SENSE
         BAL   14,DOIO
         LA    1,ZERO                  11: data chaining to count zero
         BAL   14,DOIO
         LA    1,READ1                 12: SIO, I/O disabled
         ST    1,X'48'
         XC    X'40'(8,0),X'40'(0)
         SIO   0(2)
         BAL   14,CC
         BC    7,LAST                  not started
TCHLOOP  TCH   0(3)                    13: TEST CHANNEL until CC 1 or 3
         BC    10,TCHLOOP              CC 0 (available) or 2 (burst mode)
         BAL   14,CC
         CLRIO 0(2)                    14: CLEAR I/O
         BALR  15,0
         STCM  15,8,0(10)
         MVC   8(8,10),X'40'(0)        the CSW it stored
         LA    10,16(0,10)
         TIO   0(2)                    15: TEST I/O
         BAL   14,CC
         TCH   0(3)                    16: TEST CHANNEL
         BAL   14,CC
LAST     LPSW  DONE
*
* CC: record the condition code (BALR: ILC 1, CC, program mask) in a new record.
CC       BALR  15,0
         STCM  15,8,0(10)
         LA    10,16(0,10)
         BR    14
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
*
* Channel programs (CCW: command, data address, flags, 0, count; flags X'80' CD,
* X'40' CC, X'20' SLI).
         ORG   DISK+X'600'
WRITE    DC    X'63',AL3(DEALL),X'40',X'00',AL2(16)    DEFINE EXTENT
         DC    X'43',AL3(LOCW),X'40',X'00',AL2(8)      LOCATE
         DC    X'41',AL3(PATA),X'80',X'00',AL2(512)    WRITE, CD
         DC    X'00',AL3(PATB),X'00',X'00',AL2(512)    (data chained)
READ     DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF),X'80',X'00',AL2(512)     READ, CD
         DC    X'00',AL3(BUF+512),X'00',X'00',AL2(1024)
BADDE    DC    X'63',AL3(DEBAD),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF2),X'00',X'00',AL2(512)
SENSE1   DC    X'04',AL3(SNS1),X'00',X'00',AL2(24)
BEYOND   DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCBAD),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF2),X'00',X'00',AL2(1024)
SENSE2   DC    X'04',AL3(SNS2),X'00',X'00',AL2(24)
NOWRITE  DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCW),X'40',X'00',AL2(8)
         DC    X'41',AL3(PATA),X'00',X'00',AL2(512)
NOLOC    DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'42',AL3(BUF2),X'00',X'00',AL2(512)
SENSE3   DC    X'04',AL3(SNS3),X'00',X'00',AL2(24)
ZERO     DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR1),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF2),X'80',X'00',AL2(512)    READ, CD
         DC    X'00',AL3(BUF2+512),X'00',X'00',AL2(0)  count zero
READ1    DC    X'63',AL3(DEREL),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR1),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF3),X'00',X'00',AL2(512)
* DEFINE EXTENT data: file mask, 0, 0, 0; extent origin on the device; first and
* last block as the data set numbers them.  File mask X'C0' permits all writes,
* X'40' inhibits writes, X'80' is invalid.
DEALL    DC    X'C0000000',F'0',F'0',F'15'     the whole disk
DEREL    DC    X'40000000',F'2',F'0',F'7'      device blocks 2-9 as 0-7
DEBAD    DC    X'80000000',F'2',F'0',F'7'
* LOCATE data: operation (X'01' write, X'06' read), 0, block count, first block.
LOCW     DC    X'01000002',F'5'                write blocks 5-6
LOCR     DC    X'06000003',F'2'                read 2-4 (device 4-6)
LOCBAD   DC    X'06000002',F'7'                7-8: 8 is beyond the extent
LOCR1    DC    X'06000001',F'0'                read 0 (device 2)
PATA     DC    128C'ABCD'
PATB     DC    128C'WXYZ'
         ORG   DISK+X'B80'
SNS1     DC    24X'FF'
SNS2     DC    24X'FF'
SNS3     DC    24X'FF'
         ORG   DISK+X'C00'
LOG      DS    16XL16
         ORG   DISK+X'1000'
BUF      DS    XL1536
BUF2     DS    XL1024
BUF3     DS    XL512
         END
