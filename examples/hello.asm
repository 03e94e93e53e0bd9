*---------------------------------------------------------------------
* hello.asm: a first program for the s370 reference machine.
*
* Sums the integers 1 to 100 with a BCT loop (5050 = X'000013BA'),
* converts the sum to decimal with CVD, unpacks it to EBCDIC digits
* with UNPK and OI, builds the line 'SUM 1..100 = 5050' in storage and
* stops with LPSW of a disabled-wait PSW.
*
* The image is loaded at absolute 0 and started by a restart
* interruption, which loads the PSW at 0 (and stores the old PSW at 8:
* bytes 8-15 of the image are left zero).  After the run:
*   SUM   (fullword)  X'000013BA'
*   LINE  (17 bytes)  C'SUM 1..100 = 5050'
*   R2 = 5050, R1 = 0
*---------------------------------------------------------------------
HELLO    START 0
RESTART  DC    X'00080000',A(BEGIN)    EC mode, disabled, key 0
         ORG   HELLO+X'200'
BEGIN    BALR  12,0                    establish addressability
         USING *,12
         SR    2,2                     R2: the sum
         LA    1,100                   R1: 100, 99, ..., 1
LOOP     AR    2,1                     add the counter
         BCT   1,LOOP                  count down to zero
         ST    2,SUM
         CVD   2,DWORD                 X'000000000005050C'
         UNPK  DIGITS,DWORD+5(3)       4 zoned digits: F5F0F5C0
         OI    DIGITS+L'DIGITS-1,X'F0' zone of the last digit: F5F0F5F0
         MVC   LINE(L'TEXT),TEXT       'SUM 1..100 = '
         MVC   LINE+L'TEXT(L'DIGITS),DIGITS
         CLC   DIGITS,=C'5050'         the expected answer?
         BNE   FAIL
         LPSW  DONE                    stop: disabled wait
FAIL     LPSW  BAD                     stop with X'BAD' in the PSW
*
         DS    0D
DONE     DC    X'000A0000',A(0)        disabled wait, EC mode
BAD      DC    X'000A0000',A(X'BAD')
DWORD    DS    D
SUM      DS    F
DIGITS   DS    CL4
TEXT     DC    C'SUM 1..100 = '
LINE     DC    CL17' '
         LTORG
         END   BEGIN
