* endless_channel.asm: a hostile guest.  A NO-OPERATION to the printer at 00E,
* command-chained to a TIC back to it: the channel program never ends
* (GA22-7000 ch.12), and the guest waits for its interruption, for ever (until
* the run's time bound: s370 run --max-time).
H        START 0
         DC    X'00000000',A(BEGIN)
         ORG   H+X'78'
         DC    X'00020000',A(0)           I/O new PSW: disabled wait
         ORG   H+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    1,CCW1
         ST    1,X'48'
         SIO   X'00E'
         LPSW  WAITPSW
         DS    0D
WAITPSW  DC    X'80020000',A(0)           BC, channel 0 enabled, wait
CCW1     DC    X'03',AL3(0),X'40',X'00',AL2(1)     NO-OPERATION, command chaining
CCW2     DC    X'08',AL3(CCW1),X'00',X'00',AL2(1)  TIC back to it
         END
