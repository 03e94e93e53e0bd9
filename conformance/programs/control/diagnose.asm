* DIAGNOSE (DIAG) in the supervisor state (model-dependent) and in the problem state.
* GA22-7000 ch.10 "Diagnose": privileged; what it does is model-dependent. This model
* (docs/machine.md): address 0 a no-operation with CC 0, any other a specification
* exception; Hercules 3.13 (ECPS:VM off): DIAG X'000' stores its extended identification
* at the address in R1 and subtracts the length from R3, CC unchanged; an unknown code,
* a specification exception. So the supervisor-state DIAGs run under a silent program
* handler (no record: R13 and the logs unchanged), with R1 and R3 naming a scratch area
* outside COMPARE and loaded again afterwards, and nothing records the CC they leave; the
* program old PSW and 140-143 they may store are overwritten by the last interruption
* (EC mode: 140-143 are stored for every program interruption, 144-147 only for
* translation exceptions). In the problem state DIAG is a privileged-operation exception
* (code 2, suppressed) on every model, also under EXECUTE.
* COMPARE: 0-FFF
*
DIAGNOSE START 0
         DC    X'00080000',A(BEGIN)    restart new PSW (EC mode)
         ORG   DIAGNOSE+X'60'
         DC    X'00080000',A(SVCH)     supervisor-call new PSW
         ORG   DIAGNOSE+X'68'
         DC    X'00080000',A(PGMCHK)   program new PSW
         ORG   DIAGNOSE+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         MVC   104(8,0),QUIETPSW       program new PSW: the silent handler
         L     4,=A(SCRATCH)           R1 field: a doubleword outside COMPARE
         LA    6,8                     R3 field: its length
         LA    11,D1
         DIAG  4,6,0                   address 0 (model-dependent outcome)
D1       LA    11,D2
         DIAG  4,6,X'ABC'              another address (model-dependent outcome)
D2       MVC   104(8,0),PGMPSW         program new PSW: the recording handler
         L     4,=X'44444444'          R4, R6 loaded again: their values after
         L     6,=X'66666666'          DIAG are model-dependent
         SR    1,1
         BAL   14,REC                  CC 0 from SR (not from DIAG)
         LA    11,BACK
         LPSW  PROB
P        DIAG  4,6,0                   problem state: privileged operation
         LA    1,1
         EX    0,EXDIAG                problem state, under EXECUTE: the same
         LTR   1,1                     CC 2
         BAL   14,REC
         SVC   5                       back to the supervisor state
BACK     LPSW  DONE
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
* QUIET: the silent handler, continue at the address in R11
QUIET    BR    11
* SVCH: record the SVC old PSW and the SVC ILC and code, then continue
* in the supervisor state at the address in R11
SVCH     MVC   0(8,13),32(0)
         MVC   8(4,13),136(0)
         LA    13,16(0,13)
         BR    11
*
EXDIAG   DIAG  4,6,0
         DS    0D
QUIETPSW DC    X'00080000',A(QUIET)
PGMPSW   DC    X'00080000',A(PGMCHK)
PROB     DC    X'00090000',A(P)
DONE     DC    X'000A000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   DIAGNOSE+X'A00'
LOG      DS    128F                    result log
         ORG   DIAGNOSE+X'C00'
PLOG     DS    64F                     interruption log
         ORG   DIAGNOSE+X'1000'
SCRATCH  DS    8D                      what a model's DIAG may store (not compared)
         END
