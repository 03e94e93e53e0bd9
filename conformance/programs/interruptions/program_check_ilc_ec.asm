* The ILC of program interruptions for 2-, 4- and 6-byte instructions (EC mode).
* GA22-7000 ch.6 "Instruction-Length Code": in EC mode bits 13-14 of locations 140-143 (the
* byte at 141: 2, 4 or 6) give the ILC 1, 2 or 3 of an RR, RX/RS/SI/S or SS instruction, with
* the code in 142-143; suppressed and completed operations leave the address of the next
* instruction. Specification (6), addressing (5), fixed-point overflow (8), data (7),
* decimal overflow (X'A'), decimal divide (X'B'), privileged operation (2), fixed-point
* divide (9), with the CC and program mask in the old PSW.
* COMPARE: 0-FFF
*
PROGRAME START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   PROGRAME+X'60'
         DC    X'00080000',A(SVCH)     supervisor-call new PSW
         ORG   PROGRAME+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   PROGRAME+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         L     1,=X'0F000000'
         SPM   1                       all four program-mask bits on, CC 0
         L     2,=A(X'300000')
* 2-byte instructions: ILC 1
         DR    1,4                     odd R1: specification
         L     3,=X'7FFFFFFF'
         AR    3,3                     overflow, completed: CC 3 in the old PSW
         SR    4,4
         L     6,=F'7'
         SR    7,7
         DR    6,4                     divide by zero: fixed-point divide
         LA    11,BACK1
         LPSW  PROB
P1       SSK   1,2                     privileged operation (problem state)
         SVC   1
* 4-byte instructions: ILC 2
BACK1    L     1,=X'0F000000'
         SPM   1                       the program mask again (the SVC new PSW has none)
         D     1,=F'2'                 odd R1: specification
         L     1,0(0,2)                beyond storage: addressing
         L     3,=X'40000000'
         SLA   3,1                     overflow: fixed-point overflow
         CS    0,1,ODD                 unaligned: specification
         LA    11,BACK2
         LPSW  PROB2
P2       LPSW  DONE                    privileged operation (problem state)
         SVC   2
* 6-byte instructions: ILC 3
BACK2    L     1,=X'0F000000'
         SPM   1
         MVC   0(4,2),ODD              beyond storage: addressing
         MP    PK16,PK9                second operand longer than 8: specification
         AP    PK3,BADSIGN             invalid sign: data
         ZAP   PK1,PK3A                overflow: decimal overflow
         DP    PK3B,ZERO               divisor zero: decimal divide
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
* SVCH: record the SVC old PSW and 136-139 (ILC and code), then continue in the
* supervisor state at the address in R11
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         BR    11
*
         DS    0D
PROB     DC    X'00090F00',A(P1)       EC mode, problem state, program mask F
PROB2    DC    X'00090F00',A(P2)
         DC    X'00'
ODD      DC    X'00000000'
PK16     DC    PL16'1'
PK9      DC    PL9'2'
PK3      DC    PL3'5'
BADSIGN  DC    X'0012'
PK1      DC    PL1'0'
PK3A     DC    PL3'12345'
PK3B     DC    PL3'12345'
ZERO     DC    PL1'0'
         DS    0D
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   PROGRAME+X'A00'
LOG      DS    128F                    result log
         ORG   PROGRAME+X'C00'
PLOG     DS    64F                     interruption log
         END
