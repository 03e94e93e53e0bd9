* sio_storm.asm: a hostile guest.  START I/O and TEST I/O to the printer at 00E
* (a NO-OPERATION each time), as fast as it can, for ever.
H        START 0
         DC    X'00000000',A(BEGIN)
         ORG   H+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    1,CCW
         ST    1,X'48'                    CAW
LOOP     SIO   X'00E'
         TIO   X'00E'
         B     LOOP
         DS    0D
CCW      DC    X'03',AL3(0),X'20',X'00',AL2(1)   NO-OPERATION, SLI
         END
