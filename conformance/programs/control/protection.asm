* Key-controlled and low-address protection: stores and fetches with PSW keys 0, 3 and 5.
* GA22-7000 ch.3 "Protection": a store is permitted when the PSW key is zero or equals the
* storage key; a fetch also when the fetch-protection bit is zero. Low-address protection
* (CR0 bit 3) prohibits stores into 0-511 with any key. Protection: code 4.
* COMPARE: 0-1FFF
*
PROTECTI START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   PROTECTI+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   PROTECTI+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     2,=A(X'1000')
         LA    3,X'30'
         SSK   3,2                     block X'1000': key 3
         L     4,=A(X'1800')
         LA    3,X'48'
         SSK   3,4                     block X'1800': key 4, fetch protected
         SPKA  X'30'                   PSW key 3
         MVI   0(2),X'33'              permitted
         LA    11,X1
         MVI   0(4),X'44'              key 3 against key 4: protection
X1       SPKA  X'30'                   (the handler left key 0)
         LA    11,X2
         IC    5,0(4)                  fetch protected: protection
X2       SPKA  X'50'                   key 5
         IC    6,0(2)                  not fetch protected: permitted
         LA    11,X3
         MVC   0(4,2),0(2)             store with key 5 into key 3: protection
X3       SPKA  0
         MVI   1(4),X'04'              key 0 stores anywhere
         IC    7,1(4)
         STM   5,7,RES
         LA    11,X4
         LCTL  0,0,LAPON               low-address protection on
         MVI   256(0),X'FF'            protection
X4       LA    11,X5
         ST    7,508(0)                crosses nothing: 508-511 still protected
X5       ST    7,512(0)                X'200' is not protected (it is code: rewrite the same word)
         LCTL  0,0,LAPOFF
         MVI   256(0),X'EE'            now permitted
         LPSW  DONE
*
* REC: record ILC/CC/program mask and link (from BAL 14,REC) and R1
REC      ST    14,0(0,10)
         ST    1,4(0,10)
         LA    10,8(0,10)
         BR    14
* PGMCHK: record the program old PSW, ILC, code and translation-exception
* address, then continue at the address in R11
PGMCHK   MVC   0(8,13),40(0)
         MVC   8(8,13),140(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0F
LAPON    DC    X'100000E0'
LAPOFF   DC    X'000000E0'
RES      DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PROTECTI+X'A00'
LOG      DS    128F                    result log
         ORG   PROTECTI+X'C00'
PLOG     DS    64F                     interruption log
         END
