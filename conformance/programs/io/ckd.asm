* A 3350 CKD disk at 190 on a new volume (2 cylinders): format tracks 5 and 6 of
* cylinder 0 (SEARCH HOME ADDRESS with a TIC back to it, WRITE R0, WRITE COUNT KEY AND
* DATA; SEEK HEAD to the next track in the same chain), update record 2 in place
* (SEARCH ID EQUAL and TIC, WRITE DATA), read record 3 by its key (SEARCH KEY EQUAL and
* TIC, READ DATA), find record 1 of track 6 from track 5 by a multitrack SEARCH ID
* EQUAL (READ KEY AND DATA), read record 2 whole (READ COUNT KEY AND DATA after a
* search for record 1), a write the file mask inhibits (command reject, file
* protected) and a search for a record that is not there (no record found), each
* followed by SENSE.
* GA22-7000-4 ch.12-13; the CKD commands: reference/io/ckd.py (CKDDevice).
*
* LOG records (16 bytes): byte 0 X'40'+CC*X'10' of START I/O (BALR after it), bytes
* 2-3 the I/O address of the interruption (186-187), bytes 8-15 the CSW.
* COMPARE: 0-1FFF
*
CKD      START 0
         DC    X'00080000',A(BEGIN)    restart new PSW: EC mode, disabled
         ORG   CKD+X'68'
         DC    X'000A0000',A(X'EEE')   program new PSW: stop (not expected)
         ORG   CKD+X'78'
         DC    X'00080000',A(IOINT)    I/O new PSW: EC mode, disabled
         ORG   CKD+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    10,LOG                  R10: the next LOG record
         LA    2,X'190'                R2: the disk
         LA    1,FORMAT                1: format tracks 5 and 6
         BAL   14,DOIO
         LA    1,UPDATE                2: update record 2
         BAL   14,DOIO
         LA    1,BYKEY                 3: read record 3 by key
         BAL   14,DOIO
         LA    1,MULTI                 4: multitrack search, track 6
         BAL   14,DOIO
         LA    1,WHOLE                 5: READ CKD of record 2
         BAL   14,DOIO
         LA    1,INHIBIT               6: write with writes inhibited
         BAL   14,DOIO
         LA    1,SENSE1                7: SENSE
         BAL   14,DOIO
         LA    1,NOTHERE               8: search for record 9
         BAL   14,DOIO
         LA    1,SENSE2                9: SENSE
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
* X'20' SLI).  X'07' SEEK, X'1B' SEEK HEAD, X'1F' SET FILE MASK, X'39' SEARCH HA
* EQUAL, X'31' SEARCH ID EQUAL (X'B1' multitrack), X'29' SEARCH KEY EQUAL, X'08' TIC,
* X'15' WRITE R0, X'1D' WRITE CKD, X'05' WRITE DATA, X'06' READ DATA, X'0E' READ KEY
* AND DATA, X'1E' READ CKD, X'04' SENSE.
         ORG   CKD+X'600'
FORMAT   DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
         DC    X'1F',AL3(MASKALL),X'40',X'00',AL2(1)
FHA5     DC    X'39',AL3(SEEK5+2),X'40',X'00',AL2(4)
         DC    X'08',AL3(FHA5),X'00',X'00',AL2(0)
         DC    X'15',AL3(R0T5),X'40',X'00',AL2(16)
         DC    X'1D',AL3(R1T5),X'40',X'00',AL2(28)
         DC    X'1D',AL3(R2T5),X'40',X'00',AL2(28)
         DC    X'1D',AL3(R3T5),X'40',X'00',AL2(20)
         DC    X'1B',AL3(SEEK6),X'40',X'00',AL2(6)
FHA6     DC    X'39',AL3(SEEK6+2),X'40',X'00',AL2(4)
         DC    X'08',AL3(FHA6),X'00',X'00',AL2(0)
         DC    X'15',AL3(R0T6),X'40',X'00',AL2(16)
         DC    X'1D',AL3(R1T6),X'00',X'00',AL2(28)
UPDATE   DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
         DC    X'1F',AL3(MASKALL),X'40',X'00',AL2(1)
USRCH    DC    X'31',AL3(ID2),X'40',X'00',AL2(5)
         DC    X'08',AL3(USRCH),X'00',X'00',AL2(0)
         DC    X'05',AL3(NEWDATA),X'00',X'00',AL2(16)
BYKEY    DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
KSRCH    DC    X'29',AL3(KEY3),X'40',X'00',AL2(4)
         DC    X'08',AL3(KSRCH),X'00',X'00',AL2(0)
         DC    X'06',AL3(BUF1),X'00',X'00',AL2(8)
MULTI    DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
MSRCH    DC    X'B1',AL3(ID61),X'40',X'00',AL2(5)
         DC    X'08',AL3(MSRCH),X'00',X'00',AL2(0)
         DC    X'0E',AL3(BUF2),X'00',X'00',AL2(20)
WHOLE    DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
WSRCH    DC    X'31',AL3(ID1),X'40',X'00',AL2(5)
         DC    X'08',AL3(WSRCH),X'00',X'00',AL2(0)
         DC    X'1E',AL3(BUF3),X'00',X'00',AL2(28)
INHIBIT  DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
         DC    X'1F',AL3(MASKNOW),X'40',X'00',AL2(1)
ISRCH    DC    X'31',AL3(ID1),X'40',X'00',AL2(5)
         DC    X'08',AL3(ISRCH),X'00',X'00',AL2(0)
         DC    X'05',AL3(NEWDATA),X'00',X'00',AL2(16)
SENSE1   DC    X'04',AL3(SNS1),X'00',X'00',AL2(24)
NOTHERE  DC    X'07',AL3(SEEK5),X'40',X'00',AL2(6)
NSRCH    DC    X'31',AL3(ID9),X'40',X'00',AL2(5)
         DC    X'08',AL3(NSRCH),X'00',X'00',AL2(0)
         DC    X'06',AL3(BUF4),X'00',X'00',AL2(8)
SENSE2   DC    X'04',AL3(SNS2),X'00',X'00',AL2(24)
* Parameters: SEEK BBCCHH; SET FILE MASK (X'C0' all writes, X'40' none); SEARCH ID
* CCHHR; SEARCH KEY the key; WRITE R0 and WRITE CKD: count CCHHR KL DLDL, key, data.
         ORG   CKD+X'900'
SEEK5    DC    X'0000',X'0000',X'0005'
SEEK6    DC    X'0000',X'0000',X'0006'
MASKALL  DC    X'C0'
MASKNOW  DC    X'40'
ID1      DC    X'0000',X'0005',X'01'
ID2      DC    X'0000',X'0005',X'02'
ID9      DC    X'0000',X'0005',X'09'
ID61     DC    X'0000',X'0006',X'01'
KEY3     DC    C'KEY3'
         DS    0D
R0T5     DC    X'0000',X'0005',X'00',X'00',X'0008',XL8'00'
R1T5     DC    X'0000',X'0005',X'01',X'04',X'0010',C'KEY1',C'RECORD ONE DATA.'
R2T5     DC    X'0000',X'0005',X'02',X'04',X'0010',C'KEY2',C'RECORD TWO DATA.'
R3T5     DC    X'0000',X'0005',X'03',X'04',X'0008',C'KEY3',C'RECORD 3'
R0T6     DC    X'0000',X'0006',X'00',X'00',X'0008',XL8'00'
R1T6     DC    X'0000',X'0006',X'01',X'04',X'0010',C'KEY6',C'SIXTH TRACK DATA'
NEWDATA  DC    C'UPDATED RECORD 2'
         ORG   CKD+X'B80'
SNS1     DC    24X'FF'
SNS2     DC    24X'FF'
         ORG   CKD+X'C00'
LOG      DS    9XL16
         ORG   CKD+X'1000'
BUF1     DC    32X'FF'
BUF2     DC    32X'FF'
BUF3     DC    32X'FF'
BUF4     DC    32X'FF'
         END
