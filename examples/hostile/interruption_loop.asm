* interruption_loop.asm: a hostile guest.  Its program new PSW points beyond
* its storage: every instruction fetch is an addressing exception whose program
* interruption loads the same PSW, for ever (until the run's step bound).
H        START 0
         DC    X'00000000',A(BEGIN)
         ORG   H+X'68'
         DC    X'00000000',A(X'FFFFF0')   program new PSW: beyond storage
         ORG   H+X'200'
BEGIN    DC    X'0000'                    an operation exception
         END
