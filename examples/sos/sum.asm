* SUM: an SOS user program that adds the numbers of its data cards.
*
* Each data card holds a number of five decimal digits in columns 1-5.  For
* each card the program prints the card's number and the running total, the
* total edited into eight characters by ED (GA22-7000 ch.8: fill character
* blank, significance starter before the last digit); at the end it prints the
* line "TOTAL" and the total, and halts.  SOS's interface: see list.asm.
SUM      START 0
         BALR  12,0
         USING *,12
NEXT     LA    2,READ
         SVC   C'S'
         BAL   14,ANSWER
         CLC   REPLY+12(2),=C'OK'
         BNE   DONE
         PACK  NUMBER,CARD(5)
         AP    TOTAL,NUMBER
         MVC   LINE(132),BLANKS
         MVC   LINE(5),CARD
         MVC   LINE+10(8),PATTERN
         ED    LINE+10(8),TOTAL
         LA    2,PRINT
         SVC   C'S'
         BAL   14,ANSWER
         B     NEXT
DONE     MVC   LINE(132),BLANKS
         MVC   LINE(5),=C'TOTAL'
         MVC   LINE+10(8),PATTERN
         ED    LINE+10(8),TOTAL
         LA    2,PRINT
         SVC   C'S'
         BAL   14,ANSWER
         SVC   C'H'
*
ANSWER   MVC   REPLY+8(4),=F'2'
         LA    2,REPLY
         SVC   C'R'
         BR    14
*
         DS    0F
READ     DC    CL8'RDR',F'8',C'READ',A(CARD)
PRINT    DC    CL8'PRT',F'8',C'PRIN',A(LINE)
REPLY    DC    CL8' ',F'2',CL2' '
NUMBER   DC    PL3'0'
TOTAL    DC    PL4'0'
PATTERN  DC    X'4020202020202120'
CARD     DC    CL80' '
LINE     DC    CL132' '
BLANKS   DC    CL132' '
         LTORG
         END   SUM
