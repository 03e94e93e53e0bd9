* The example of CONTRIBUTING.md: a test in one file, its expectations behind '*! '.
* ADD (AR, A): 5 + 7 = 12 with CC 2; X'7FFFFFFF' + 1 overflows with CC 3 and, with
* the program mask off, no interruption.  BALR R,0 records the CC: bits 0-7 of R get
* the ILC (01 for the two-byte BALR), the CC and the program mask.
* GA22-7000 ch.7 "Add", "Branch and Link".
* COMPARE: 200-23F
*
*! # Every value derived by hand from GA22-7000 ch.7 (see the comments).
*! [program]
*! max_steps = 100
*! provenance = "hand: GA22-7000 ch.7 Add, Branch and Link"
*! [expect]
*! stop = "disabled-wait"
*! psw = "000A000000000000"           # DONE: EC mode, wait, disabled
*! [expect.gpr]
*! "1" = "0000000C"                   # 5 + 7
*! "2" = "80000000"                   # X'7FFFFFFF' + 1 wraps to X'80000000'
*! "3" = "70000000"                   # ILC 01, CC 11, mask 0000
*! "12" = "40000202"                  # BALR 12,0 at X'200': ILC 01, CC 00, mask 0, X'202'
*! [expect.storage]
*! "238" = "60000000 70000000"        # RESULT: CC 2 (0110 0000), CC 3 (0111 0000)
*
EXAMPLE  START 0
         DC    X'00080000',A(BEGIN)    EC-mode PSW: key 0, disabled, X'200'
         ORG   EXAMPLE+X'200'
BEGIN    BALR  12,0                    200
         USING *,12
         LA    1,5                     202
         LA    2,7                     206
         AR    1,2                     20A  12: CC 2
         BALR  3,0                     20C
         N     3,=X'FF000000'          20E
         ST    3,RESULT                212
         L     2,=X'7FFFFFFF'          216
         A     2,=F'1'                 21A  overflow: CC 3
         BALR  3,0                     21E
         N     3,=X'FF000000'          220
         ST    3,RESULT+4              224
         LPSW  DONE                    228
         DS    0D
DONE     DC    X'000A0000',A(0)        230
RESULT   DS    2F                      238
         LTORG
         END
