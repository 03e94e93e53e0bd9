* A 3420 tape at 181 on a new, empty AWS tape file: write two blocks, a tape mark, a
* block and a tape mark in one chain (command chaining); rewind and read the blocks
* back (a short count with SLI, a count shorter than the block without SLI:
* incorrect length); read the tape mark (unit exception); backspace block over a
* block and a tape mark (unit exception); read backward (the channel stores the
* block downward from the data address); forward space file and read; backspace
* file and overwrite from there (the rest of the reel is gone); SENSE; and
* backspace block at the load point (unit check).
* GA22-7000-4 ch.12-13; the 3420's commands and the AWS file: reference/io/tape.py
* (Tape3420, TapeFile), docs/configuration.md.
*
* LOG records (16 bytes): byte 0 X'40'+CC*X'10' of START I/O (BALR after it), bytes
* 2-3 the I/O address of the interruption (186-187), bytes 8-15 the CSW.
* Without the device every START I/O gives CC 3 and the program ends in its
* disabled wait.
* COMPARE: 0-1FFF
*
TAPE     START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   TAPE+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   TAPE+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   TAPE+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,LOG                  R10: the next LOG record
         LA    2,X'181'                R2: the tape
         LA    1,WRITE                 1: write the reel
         BAL   14,DOIO
         LA    1,REWREAD               2: rewind, read FIRST
         BAL   14,DOIO
         LA    1,SHORT                 3: read SECOND BLOCK with count 4
         BAL   14,DOIO
         LA    1,READTM                4: read the tape mark
         BAL   14,DOIO
         LA    1,READ3                 5: read AFTER
         BAL   14,DOIO
         LA    1,BSB2                  6: backspace block twice
         BAL   14,DOIO
         LA    1,RDBACK                7: read backward SECOND BLOCK
         BAL   14,DOIO
         LA    1,FSFREAD               8: forward space file, read AFTER
         BAL   14,DOIO
         LA    1,REWRITE               9: backspace file, write NEW, tape mark
         BAL   14,DOIO
         LA    1,SENSE1                10: SENSE
         BAL   14,DOIO
         LA    1,BSBLP                 11: rewind, backspace block at load point
         BAL   14,DOIO
         LA    1,SENSE2                12: SENSE
         BAL   14,DOIO
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
*
* Channel programs (CCW: command, data address, flags, 0, count; flags X'40' CC,
* X'20' SLI).  Commands: X'01' WRITE, X'02' READ, X'0C' READ BACKWARD, X'1F' WRITE
* TAPE MARK, X'07' REWIND, X'27' BACKSPACE BLOCK, X'2F' BACKSPACE FILE, X'3F'
* FORWARD SPACE FILE, X'04' SENSE.  Immediate commands have count 1.
         ORG   TAPE+X'600'
WRITE    DC    X'01',AL3(FIRST),X'40',X'00',AL2(5)
         DC    X'01',AL3(SECOND),X'40',X'00',AL2(12)
         DC    X'1F',AL3(0),X'40',X'00',AL2(1)
         DC    X'01',AL3(AFTER),X'40',X'00',AL2(5)
         DC    X'1F',AL3(0),X'00',X'00',AL2(1)
REWREAD  DC    X'07',AL3(0),X'40',X'00',AL2(1)
         DC    X'02',AL3(BUF1),X'20',X'00',AL2(80)
SHORT    DC    X'02',AL3(BUF2),X'00',X'00',AL2(4)
READTM   DC    X'02',AL3(BUF3),X'20',X'00',AL2(80)
READ3    DC    X'02',AL3(BUF4),X'20',X'00',AL2(80)
BSB2     DC    X'27',AL3(0),X'40',X'00',AL2(1)
         DC    X'27',AL3(0),X'00',X'00',AL2(1)
RDBACK   DC    X'0C',AL3(BUF5+11),X'00',X'00',AL2(12)
FSFREAD  DC    X'3F',AL3(0),X'40',X'00',AL2(1)
         DC    X'02',AL3(BUF6),X'20',X'00',AL2(80)
REWRITE  DC    X'2F',AL3(0),X'40',X'00',AL2(1)
         DC    X'01',AL3(NEW),X'40',X'00',AL2(3)
         DC    X'1F',AL3(0),X'00',X'00',AL2(1)
SENSE1   DC    X'04',AL3(SNS1),X'00',X'00',AL2(24)
BSBLP    DC    X'07',AL3(0),X'40',X'00',AL2(1)
         DC    X'27',AL3(0),X'00',X'00',AL2(1)
SENSE2   DC    X'04',AL3(SNS2),X'00',X'00',AL2(24)
FIRST    DC    C'FIRST'
SECOND   DC    C'SECOND BLOCK'
AFTER    DC    C'AFTER'
NEW      DC    C'NEW'
         ORG   TAPE+X'B80'
SNS1     DC    24X'FF'
SNS2     DC    24X'FF'
         ORG   TAPE+X'C00'
LOG      DS    12XL16
         ORG   TAPE+X'1000'
BUF1     DC    16X'FF'
BUF2     DC    16X'FF'
BUF3     DC    16X'FF'
BUF4     DC    16X'FF'
BUF5     DC    16X'FF'
BUF6     DC    16X'FF'
         END
