* DIVIDE: an SOS user program that fails with a program check.
*
* It prints one line, then divides by zero: DR with a zero divisor is a
* fixed-point-divide exception (GA22-7000 ch.7 "DIVIDE": "the quotient cannot
* be expressed ... or the divisor is zero"), program interruption code 9,
* which no program mask bit suppresses.  SOS's program-interruption handler
* ends the job with the message "PROGRAM FLOP" and goes on to the next job;
* the data card of this job is never read (SOS's job stream processor skips
* cards up to the next $JOB card).  SOS's interface: see list.asm.
DIVIDE   START 0
         BALR  12,0
         USING *,12
         LA    2,PRINT
         SVC   C'S'
         MVC   REPLY+8(4),=F'2'
         LA    2,REPLY
         SVC   C'R'
         L     5,=F'100'
         SR    4,4
         SR    3,3
         DR    4,3                 divisor zero: fixed-point divide
         SVC   C'H'                not reached
*
         DS    0F
PRINT    DC    CL8'PRT',F'8',C'PRIN',A(LINE)
REPLY    DC    CL8' ',F'2',CL2' '
LINE     DC    CL132'DIVIDING 100 BY ZERO'
         LTORG
         END   DIVIDE
