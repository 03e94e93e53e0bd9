* Fetch protection for every kind of operand fetch, in EC mode: the operation is suppressed.
* GA22-7000 ch.3 "Key-Controlled Protection": with the fetch-protection bit on, a fetch with a
* PSW key that is neither 0 nor the block's is a protection exception (code 4); the
* operation is suppressed: registers, CC and the first operand unchanged. Without the bit
* any key may fetch; a store needs key 0 or the block's key. EC mode: code at 140-143.
* COMPARE: 0-FFF, 3000-301F, 3800-381F, 4000-401F
*
FETCHPRO START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   FETCHPRO+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   FETCHPRO+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'3000')           key 3, fetch protected
         LA    1,X'38'
         SSK   1,2
         L     3,=A(X'3800')           key 3, not fetch protected
         LA    1,X'30'
         SSK   1,3
         L     6,=A(X'4000')           key 8
         LA    1,X'80'
         SSK   1,6
         LA    1,X'80'                 the logs (X'800'-X'FFF'): key 8
         LA    4,X'800'
         SSK   1,4
         MVC   0(8,2),=C'FETCHPRT'
         MVC   0(8,3),=C'FREEDATA'
         LM    4,5,=C'R4R4R5R5'
         SPKA  X'80'                   PSW key 8
         L     1,=C'KEEP'
         L     1,0(0,2)                protection: R1 unchanged
         BAL   14,REC
         IC    1,0(0,2)                protection
         BAL   14,REC
         LM    4,5,0(2)                protection: R4, R5 unchanged
         STM   4,5,RES
         CLI   0(2),C'F'               protection: the CC of BAL (0) unchanged
         BAL   14,REC
         TM    0(2),X'FF'              protection
         BAL   14,REC
         CLC   0(8,3),0(2)             second operand protected
         BAL   14,REC
         CLC   0(8,2),0(3)             first operand protected
         BAL   14,REC
         MVC   0(8,6),0(2)             source protected: nothing moved
         BAL   14,REC
         MVC   8(8,6),0(3)             not fetch protected: moved
         TR    8(8,6),0(2)             table protected: the first operand unchanged
         BAL   14,REC
         L     1,0(0,3)                allowed: 'FREE'
         BAL   14,REC
         ST    1,8(0,3)                store into key 3: protection
         BAL   14,REC
         TS    9(3)                    fetch allowed, store protected: protection
         BAL   14,REC
         SPKA  X'30'                   PSW key 3 (the logs are key 8: no REC)
         L     7,0(0,2)                key 3 fetches its own block: 'FETC'
         ST    7,16(0,3)               and stores
         SPKA  0                       PSW key 0: anything
         L     8,4(0,2)                'HPRT'
         STM   7,8,RES+8
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then resume the interrupted program (its old PSW)
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         LPSW  40(0)
*
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   FETCHPRO+X'900'
RES      DS    4F                      in the key-8 block
         ORG   FETCHPRO+X'A00'
LOG      DS    128F                    result log
         ORG   FETCHPRO+X'C00'
PLOG     DS    64F                     interruption log
         END
