* LIST: an SOS user program that prints each of its data cards.
*
* The job runs under the MIT Sample Operating System as its user program
* USERPROG, in problem state, relocated by SOS's loader (SOS adds the load
* address to every A-constant its RLD cards name).  SOS's user interface,
* from its listing: SVC C'S' sends the message at R2 (name CL8 of the target
* process, F length, text), SVC C'R' receives one into the block at R2 (name
* CL8 of the sender, F capacity, text; the length is stored back), SVC C'H'
* ends the job ("PROGRAM HALT").  The $JOB card names two processes, RDR=IN
* and PRT=OUT: a message "READ" + A(80-byte buffer) to RDR is answered "OK"
* with the next card in the buffer, or "NO" when the next card is a $JOB card
* or the reader is at its end; "PRIN" + A(132-byte line) to PRT prints the
* line (write, space 1) and is answered "OK".
LIST     START 0
         BALR  12,0
         USING *,12
NEXT     LA    2,READ              ask RDR for the next card
         SVC   C'S'
         BAL   14,ANSWER
         CLC   REPLY+12(2),=C'OK'
         BNE   DONE                NO: the data cards have ended
         MVC   LINE(80),CARD
         LA    2,PRINT             print the card as it is
         SVC   C'S'
         BAL   14,ANSWER
         B     NEXT
DONE     SVC   C'H'                PROGRAM HALT
*
ANSWER   MVC   REPLY+8(4),=F'2'    room for the two-character answer
         LA    2,REPLY
         SVC   C'R'
         BR    14
*
         DS    0F
READ     DC    CL8'RDR',F'8',C'READ',A(CARD)
PRINT    DC    CL8'PRT',F'8',C'PRIN',A(LINE)
REPLY    DC    CL8' ',F'2',CL2' '
CARD     DC    CL80' '
LINE     DC    CL132' '
         LTORG
         END   LIST
