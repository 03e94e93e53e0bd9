*---------------------------------------------------------------------
* cards_to_printer.asm: copy a card deck to the printer.
*
* Reads the cards of the reader at 00C one by one and prints each on the
* printer at 00E (write, space 1 line), until the reader presents unit
* exception (no more cards; the deck examples/cards.txt has 5 cards).
* Each I/O operation is started with START I/O and waited for in an
* enabled wait (BC mode, channel-0 mask): the I/O interruption ends the
* wait and its new PSW returns to the caller of DOIO (R14).
*
* Run it:
*   s370 run examples/cards_to_printer.asm --config examples/cards.toml
* After the run:
*   COUNT (fullword)  the number of cards copied (5)
*   R5 = 5; the printer file holds the 5 lines of the deck
*   a stop at X'BAD' (PSW address) means an unexpected condition code or status
*---------------------------------------------------------------------
COPY     START 0
RESTART  DC    X'00000000',A(BEGIN)    BC mode, disabled, key 0
         ORG   COPY+X'78'
IONEW    DC    X'00000000',A(IOINT)    I/O new PSW: BC mode, disabled
         ORG   COPY+X'200'
BEGIN    BALR  12,0                    establish addressability
         USING *,12
         SR    5,5                     R5: cards copied
LOOP     LA    1,READ                  read a card
         LA    2,X'00C'
         BAL   14,DOIO
         TM    X'44',X'01'             unit exception: end of the deck
         BO    EOF
         TM    X'44',X'F3'             any other unusual unit status?
         BNZ   FAIL
         LA    1,PRINT                 print it
         LA    2,X'00E'
         BAL   14,DOIO
         TM    X'44',X'F3'
         BNZ   FAIL
         LA    5,1(,5)
         B     LOOP
EOF      ST    5,COUNT
         LPSW  DONE                    stop: disabled wait
FAIL     LPSW  BAD
*
* DOIO: start the channel program at R1 on the device at R2, wait for its
* interruption, return to R14 with the CSW at location 64.
DOIO     ST    1,X'48'                 CAW: key 0, command address
         SIO   0(2)
         BNZ   FAIL                    CC 1, 2, 3: not expected here
WAIT     LPSW  WAITPSW                 enabled wait for channel 0
IOINT    CH    2,X'3A'                 the device we started? (BC: 58-59)
         BNE   WAIT                    no: wait again
         BR    14
*
         DS    0D
WAITPSW  DC    X'80020000',A(0)        BC, channel 0 enabled, wait
DONE     DC    X'000A0000',A(0)        disabled wait, EC mode
BAD      DC    X'000A0000',A(X'BAD')
READ     DC    X'02',AL3(CARD),X'20',X'00',AL2(80)    read, SLI
PRINT    DC    X'09',AL3(CARD),X'00',X'00',AL2(80)    write, space 1
COUNT    DS    F
CARD     DS    CL80
         END   BEGIN
