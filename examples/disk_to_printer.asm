*---------------------------------------------------------------------
* disk_to_printer.asm: print the first 80 bytes of every block of the
* 3370 (FBA) disk at 191, until the disk refuses a block.
*
* For each block n = 0, 1, 2, ...: one channel program DEFINE EXTENT
* (the whole disk as the program knows it: blocks 0 to X'FFFF'), LOCATE
* (read 1 block at n), READ 512 bytes; then the printer at 00E prints the
* block's first 80 bytes.  A disk of N blocks refuses the extent itself
* (unit check, command reject: the extent is larger than the disk), so
* the program first asks for the largest extent the disk accepts by
* shrinking it; then it reads blocks until LOCATE goes past the end.
*
* Under the VMCP the disk is a minidisk: in examples/directory.toml two
* VMs run this program on two minidisks of one real disk, each printing
* its own blocks and never another's.
*
* After the run: R5 = the number of blocks printed; a stop at X'BAD'
* means an unexpected status.
*---------------------------------------------------------------------
DISKPRT  START 0
RESTART  DC    X'00000000',A(BEGIN)    BC mode, disabled, key 0
         ORG   DISKPRT+X'78'
IONEW    DC    X'00000000',A(IOINT)    I/O new PSW: BC mode, disabled
         ORG   DISKPRT+X'200'
BEGIN    BALR  12,0                    establish addressability
         USING *,12
* Find the disk's size: halve the extent until DEFINE EXTENT accepts it.
SIZE     LA    1,DEONLY
         LA    2,X'191'
         BAL   14,DOIO
         TM    X'44',X'02'             unit check: extent too large
         BZ    SIZED
         L     3,LAST                  last = last / 2
         SRL   3,1
         ST    3,LAST
         LTR   3,3
         BNZ   SIZE
         LPSW  BAD                     not even one block
SIZED    L     3,LAST                  grow back one block at a time
GROW     LA    3,1(,3)
         ST    3,LAST
         LA    1,DEONLY
         LA    2,X'191'
         BAL   14,DOIO
         TM    X'44',X'02'
         BZ    GROW
         BCTR  3,0                     the largest accepted: last block
         ST    3,LAST
* Read and print blocks 0 .. last, then one more: LOCATE refuses it.
         SR    5,5                     R5: blocks printed
LOOP     ST    5,BLOCK
         LA    1,READ
         LA    2,X'191'
         BAL   14,DOIO
         TM    X'44',X'02'             unit check: past the end
         BO    END
         TM    X'44',X'F1'             anything else unusual?
         BNZ   FAIL
         LA    1,PRINT
         LA    2,X'00E'
         BAL   14,DOIO
         TM    X'44',X'F2'
         BNZ   FAIL
         LA    5,1(,5)
         B     LOOP
END      C     5,LAST                  every block up to LAST printed?
         BNH   FAIL
         LPSW  DONE
FAIL     LPSW  BAD
*
* DOIO: start the channel program at R1 on the device at R2, wait for its
* interruption, return to R14 with the CSW at location 64.
DOIO     ST    1,X'48'                 CAW: key 0, command address
         SIO   0(2)
         BC    2+4,FAIL                CC 1 (CSW stored) or 2: not expected
         BC    1,FAIL                  CC 3: not operational
WAIT     LPSW  WAITPSW                 enabled wait for channel 0 and 1
IOINT    CH    2,X'3A'                 the device we started? (BC: 58-59)
         BNE   WAIT
         BR    14
*
         DS    0D
WAITPSW  DC    X'C0020000',A(0)        BC, channels 0 and 1 enabled, wait
DONE     DC    X'000A0000',A(0)        disabled wait, EC mode
BAD      DC    X'000A0000',A(X'BAD')
DEONLY   DC    X'63',AL3(DEDATA),X'00',X'00',AL2(16)   define extent alone
READ     DC    X'63',AL3(DEDATA),X'40',X'00',AL2(16)   define extent, CC
         DC    X'43',AL3(LOCDATA),X'40',X'00',AL2(8)   locate, CC
         DC    X'42',AL3(BUF),X'00',X'00',AL2(512)     read one block
PRINT    DC    X'09',AL3(BUF),X'00',X'00',AL2(80)      write, space 1
DEDATA   DC    X'40000000'             mask: inhibit writes
         DC    F'0'                    extent origin: block 0 of the disk
         DC    F'0'                    first block number
LAST     DC    F'65535'                last block number
LOCDATA  DC    X'06',X'00',H'1'        read 1 block
BLOCK    DC    F'0'                    at block BLOCK
BUF      DS    CL512
         END   BEGIN
