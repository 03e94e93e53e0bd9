*---------------------------------------------------------------------
* minios.asm: a small guest operating system for the s370 machine.
*
* A kernel that runs two problem-state tasks, each in its own address
* space, preempting them on its CPU timer and putting them to sleep on
* its clock comparator.  It runs natively (s370 run) and under the
* VMCP (s370 run --under vmcp, s370 compare, s370 vmcp minios.asm ...),
* where its DAT runs through the VMCP's shadow tables.
*
*   s370 run examples/minios.asm --storage 256K --dump 2000-207F
*
* Start: the restart interruption loads the PSW at 0 (EC mode, DAT
* off, disabled; bytes 8-15 are left zero for the restart old PSW).
* The kernel loads CR0 (4K pages, 64K segments, external subclasses
* clock comparator and CPU timer) and CR1 (task A's space), gives the
* tasks' frames their storage keys (SSK), sets the clock comparator
* out of reach, turns DAT on (STOSM) and enters the scheduler.  From
* then on it runs with DAT on in whichever space is current: its pages
* are mapped identically in both.  Its interruption handlers run
* disabled, in the supervisor state, key 0.
*
* Address spaces (64K segments, 4K pages; virtual -> real):
*   both      0000-2FFF -> 0000-2FFF  kernel: low storage, code and
*                                     data; tables; summary
*   task A    10000 -> 20000 (code), 11000 -> 25000 (data),
*             12000 -> 23000 (log)    storage key 8, PSW key 8
*   task B    10000 -> 30000 (code), 11000 -> 34000 (data),
*             12000 -> 37000 (log)    storage key 9, PSW key 9
* Everything else is invalid (segment 0 and 1 page-table length 3,
* segments 2-15 invalid).  The tasks see their code at X'10000', their
* data at X'11000' and their log at X'12000'.  A task's data page is
* invalid until the task first uses it: the kernel takes the page-
* translation exception (X'11'), validates the page-table entry and
* lets the task retry the instruction; when the task exits the kernel
* invalidates the entry again (IPTE).
*
* Supervisor calls (R1 is the argument):
*   SVC 1  append R1 to my output log (virtual X'12000': a word count,
*          then the words; at most 1023, later ones are dropped);
*          the task goes on with the rest of its time slice
*   SVC 2  yield: the other task runs, if it is ready
*   SVC 3  exit, R1 = exit code
*   SVC 4  sleep for R1 microseconds (clock comparator)
* Another SVC number, or any other program interruption in a task,
* ends that task with exit code X'40000000'+number or X'80000000'+
* code.  A program interruption in the kernel stops at a disabled wait
* with instruction address X'BAD'.
*
* Scheduling: round robin; a dispatch sets the CPU timer to a 500 us
* slice (SPT); external interruption X'1005' (CPU timer) preempts the
* task; X'1004' (clock comparator) wakes the sleepers whose time has
* come, and the interrupted task goes on.  Switching to the other task
* loads CR1 (LCTL) and purges the TLB (PTLB).  When no task is ready
* and one sleeps, the kernel waits (an enabled wait, CPU timer set out
* of reach) for the clock comparator.
*
* The tasks:
*   A  sums i*i for i = 1..600, storing each i*i at data+16+4*(i-1);
*      appends the running sum to its log after every 50 terms
*      (12 SVC 1) and yields after every 100 (6 SVC 2); stores the
*      sum at data+0 and the number of terms (600) at data+4; exits
*      with R1 = the sum.
*   B  sleeps 500 us; sieves the primes below 1000 (data+256+n is 1
*      for a composite n); sleeps 10000 us; appends every prime to its
*      log (168 SVC 1); stores the number of primes at data+0 and the
*      largest at data+4; exits with R1 = the number of primes.
*
* Summary, at real X'2000' when both tasks have exited (then LPSW of
* the disabled-wait PSW X'000A000000000000'):
*   +0   C'MNOS'                  +4   number of tasks (2)
*   +8   dispatches               +12  address-space switches (LCTL)
*   +16  CPU-timer interruptions (preemptions)
*   +20  clock-comparator interruptions
*   +24  idle waits               +28  SVCs served (all numbers)
*   +32  SVC 1 served, +36 SVC 2, +40 SVC 3, +44 SVC 4
*   +48  tasks ended by a fault   +52  data pages brought in
*   +56  TOD clock at the end (8 bytes)
*   +64  task A: exit code, log word count, data+0, data+4
*   +80  task B: the same
*   +X'100'  task A's log (the first 1024 bytes of its log page)
*   +X'500'  task B's log (the same)
* Every dispatch ends in a preemption, a yield, an exit, a sleep or a
* fault, so dispatches = preemptions + SVC 2 + SVC 3 + SVC 4 + faults.
*---------------------------------------------------------------------
MINIOS   START 0
         USING MINIOS,0                the kernel lies in page 0
*
* Fixed storage locations (EC mode)
EXTOLD   EQU   X'18'                   external old PSW
SVCOLD   EQU   X'20'                   supervisor-call old PSW
PGMOLD   EQU   X'28'                   program old PSW
EXTCODE  EQU   X'86'                   external interruption code
SVCCODE  EQU   X'8A'                   supervisor-call interruption code
PGMCODE  EQU   X'8E'                   program interruption code
TEA      EQU   X'90'                   translation-exception address
*
* Task control block (one per task, TCBLEN bytes, at TCBS)
TPSW     EQU   0                       the task's PSW (8)
TREGS    EQU   8                       its general registers (64)
TCR1     EQU   72                      CR1: its segment-table designation
TSTATE   EQU   76                      READY, SLEEPING or EXITED (a word)
TWAKE    EQU   80                      TOD clock value to wake at (8)
TEXIT    EQU   88                      exit code
TDATAF   EQU   92                      real address of its data frame
TLOGF    EQU   96                      real address of its log frame
TDPTE    EQU   100                     address of its data page's PTE
TPTO     EQU   104                     its segment-1 page-table origin
TCBLEN   EQU   128
NTASKS   EQU   2
READY    EQU   0
SLEEPING EQU   1
EXITED   EQU   2
*
TASKVA   EQU   X'10000'                a task's code (virtual)
DATAVA   EQU   X'11000'                a task's data (virtual)
LOGVA    EQU   X'12000'                a task's log (virtual)
LOGMAX   EQU   1023                    words a log holds
SUMMARY  EQU   X'2000'                 the summary (real)
LIMIT    EQU   1000                    task B: primes below LIMIT
*
         DC    X'00080000',A(INIT)     restart new PSW: EC mode, DAT off
         ORG   MINIOS+X'58'
         DC    X'04080000',A(EXTH)     external new PSW: EC, DAT on
         DC    X'04080000',A(SVCH)     supervisor-call new PSW
         DC    X'04080000',A(PGMH)     program new PSW
         ORG   MINIOS+X'200'
*---------------------------------------------------------------------
* INIT: control registers, storage keys, clock comparator, DAT on
*---------------------------------------------------------------------
INIT     LCTL  0,1,CRINIT              CR0 and CR1 (task A's space)
         LA    2,KEYTAB
KEYLOOP  L     3,0(0,2)                a task frame (0 ends the table)
         LTR   3,3
         BZ    KEYSDONE
         L     4,4(0,2)                its storage key
         SSK   4,3                     both 2K blocks of the 4K frame
         LA    3,2048(0,3)
         SSK   4,3
         LA    2,8(0,2)
         B     KEYLOOP
KEYSDONE SCKC  NEVER                   no clock-comparator condition yet
         STOSM TEMP,X'04'              DAT on: page 0 maps to itself
         B     SCHED
*---------------------------------------------------------------------
* External interruptions: X'1005' CPU timer, X'1004' clock comparator
*---------------------------------------------------------------------
EXTH     STM   0,15,KREGS              the interrupted task's registers
         MVC   KPSW(8),EXTOLD          and PSW
         BAL   14,SAVETASK
         CLC   EXTCODE(2),=X'1005'
         BE    PREEMPT
         CLC   EXTCODE(2),=X'1004'
         BE    CLOCK
         B     KFAIL
PREEMPT  L     1,NPREEMPT              the slice is over
         LA    1,1(0,1)
         ST    1,NPREEMPT
         B     SCHED
CLOCK    L     1,NCLOCK                wake the sleepers whose time came
         LA    1,1(0,1)
         ST    1,NCLOCK
         STCK  NOW
         LA    7,TCBS
         LA    8,NTASKS
CLOCKLP  CLI   TSTATE+3(7),SLEEPING
         BNE   CLOCKNX
         CLC   TWAKE(8,7),NOW
         BH    CLOCKNX
         MVI   TSTATE+3(7),READY
CLOCKNX  LA    7,TCBLEN(0,7)
         BCT   8,CLOCKLP
         BAL   14,SETCKC
         CLI   RUNFLAG,0               idle: choose a task
         BE    SCHED
         B     RESUME                  else the interrupted task goes on
*---------------------------------------------------------------------
* Supervisor calls
*---------------------------------------------------------------------
SVCH     STM   0,15,KREGS
         MVC   KPSW(8),SVCOLD
         BAL   14,SAVETASK
         L     1,NSVC
         LA    1,1(0,1)
         ST    1,NSVC
         LH    2,SVCCODE
         LTR   2,2
         BNP   BADSVC
         C     2,=F'4'
         BH    BADSVC
         SLL   2,2                     4 * number
         LA    4,NSVC1-4
         AR    4,2
         L     3,0(0,4)                count it by number
         LA    3,1(0,3)
         ST    3,0(0,4)
         LA    4,SVCTAB-4
         B     0(2,4)
SVCTAB   B     SVC1
         B     SVC2
         B     SVC3
         B     SVC4
* SVC 1: append R1 to the caller's log (in the current address space)
SVC1     L     11,CURTCB
         L     1,TREGS+4(0,11)         the task's R1
         L     2,=A(LOGVA)
         L     3,0(0,2)                words so far
         C     3,=A(LOGMAX)
         BNL   RESUME                  full: dropped
         LA    4,1(0,3)
         SLL   3,2
         ST    1,4(3,2)
         ST    4,0(0,2)
         B     RESUME
* SVC 2: yield
SVC2     B     SCHED
* SVC 3: exit
SVC3     L     11,CURTCB
         MVC   TEXIT(4,11),TREGS+4(11)
         MVI   TSTATE+3(11),EXITED
         L     4,TPTO(0,11)            unmap its data page (the frame
         L     5,=A(DATAVA)            keeps its contents for the summary)
         IPTE  4,5
         B     SCHED
* SVC 4: sleep R1 microseconds: wake at TOD + R1*4096 (bit 51 = 1 us)
SVC4     L     11,CURTCB
         STCK  NOW
         LM    4,5,NOW
         SR    6,6
         L     7,TREGS+4(0,11)
         SLDL  6,12                    R6:R7 = R1 * 4096
         ALR   5,7
         BC    12,SVC4NC               no carry
         AL    4,=F'1'
SVC4NC   ALR   4,6
         STM   4,5,TWAKE(11)
         MVI   TSTATE+3(11),SLEEPING
         BAL   14,SETCKC
         B     SCHED
BADSVC   LH    2,SVCCODE               an unknown SVC ends the task
         O     2,=X'40000000'
         B     KILL
*---------------------------------------------------------------------
* Program interruptions: a task's ends the task; the kernel's stops
*---------------------------------------------------------------------
PGMH     STM   0,15,KREGS
         MVC   KPSW(8),PGMOLD
         TM    KPSW+1,X'01'            problem state?
         BZ    KFAIL
         CLI   RUNFLAG,0
         BE    KFAIL
         BAL   14,SAVETASK
         LH    2,PGMCODE
         CH    2,=H'17'                page translation (X'11')?
         BNE   PGMKILL
         L     3,TEA
         N     3,=X'00FFF000'          the page (the byte index is not used)
         C     3,=A(DATAVA)            the data page comes on first use
         BNE   PGMKILL
         L     11,CURTCB
         L     4,TDPTE(0,11)
         TM    1(4),X'08'              still invalid?
         BZ    PGMKILL
         NI    1(4),X'F7'              valid: invalid to valid needs no purge
         L     1,NPAGEIN
         LA    1,1(0,1)
         ST    1,NPAGEIN
         B     RESUME                  nullified: the instruction again
PGMKILL  O     2,=X'80000000'
KILL     L     11,CURTCB
         ST    2,TEXIT(0,11)
         MVI   TSTATE+3(11),EXITED
         L     1,NFAULT
         LA    1,1(0,1)
         ST    1,NFAULT
         B     SCHED
KFAIL    LPSW  FAILPSW
*---------------------------------------------------------------------
* SAVETASK: the registers and PSW in KREGS/KPSW into the running
* task's TCB (nothing when idle).  Return on R14.
*---------------------------------------------------------------------
SAVETASK CLI   RUNFLAG,0
         BER   14
         L     11,CURTCB
         MVC   TPSW(8,11),KPSW
         MVC   TREGS(64,11),KREGS
         BR    14
*---------------------------------------------------------------------
* SETCKC: the clock comparator to the earliest wake-up time, or out of
* reach when nobody sleeps.  Return on R14.
*---------------------------------------------------------------------
SETCKC   MVC   NEXTCKC(8),NEVER
         LA    7,TCBS
         LA    8,NTASKS
SETCKCLP CLI   TSTATE+3(7),SLEEPING
         BNE   SETCKCNX
         CLC   TWAKE(8,7),NEXTCKC
         BNL   SETCKCNX
         MVC   NEXTCKC(8),TWAKE(7)
SETCKCNX LA    7,TCBLEN(0,7)
         BCT   8,SETCKCLP
         SCKC  NEXTCKC
         BR    14
*---------------------------------------------------------------------
* SCHED: the next ready task after the last one run, round robin
*---------------------------------------------------------------------
SCHED    L     10,CURIDX
         LA    9,NTASKS
SCHEDLP  LA    10,1(0,10)
         C     10,=A(NTASKS)
         BL    SCHEDIX
         SR    10,10
SCHEDIX  LR    11,10
         SLL   11,7                    * TCBLEN
         LA    4,TCBS
         AR    11,4
         CLI   TSTATE+3(11),READY
         BE    DISPATCH
         BCT   9,SCHEDLP
         LA    7,TCBS                  nobody is ready: does one sleep?
         LA    8,NTASKS
SCHEDSL  CLI   TSTATE+3(7),SLEEPING
         BE    IDLE
         LA    7,TCBLEN(0,7)
         BCT   8,SCHEDSL
         B     FINISH                  all have exited
* DISPATCH: run task R10 (TCB at R11) for a new slice
DISPATCH ST    10,CURIDX
         ST    11,CURTCB
         MVI   RUNFLAG,1
         L     1,NDISP
         LA    1,1(0,1)
         ST    1,NDISP
         CLC   TCR1(4,11),CURCR1
         BE    SAMESPC
         LCTL  1,1,TCR1(11)            the task's address space
         PTLB
         MVC   CURCR1(4),TCR1(11)
         L     1,NSWITCH
         LA    1,1(0,1)
         ST    1,NSWITCH
SAMESPC  SPT   SLICE
* RESUME: back to the current task, its registers and PSW
RESUME   L     11,CURTCB
         MVC   KPSW(8),TPSW(11)
         MVC   KREGS(64),TREGS(11)
         LM    0,15,KREGS
         LPSW  KPSW
* IDLE: wait for the clock comparator
IDLE     MVI   RUNFLAG,0
         L     1,NIDLE
         LA    1,1(0,1)
         ST    1,NIDLE
         SPT   FOREVER
         LPSW  WAITPSW
*---------------------------------------------------------------------
* FINISH: the summary at SUMMARY (DAT off: from the tasks' frames)
*---------------------------------------------------------------------
FINISH   STCK  ENDTOD
         STNSM TEMP,X'FB'              DAT off
         L     9,=A(SUMMARY)
         MVC   0(4,9),=C'MNOS'
         MVC   4(4,9),=A(NTASKS)
         MVC   8(48,9),COUNTERS
         MVC   56(8,9),ENDTOD
         LA    6,64(0,9)               the tasks' lines
         L     2,=A(SUMMARY+X'100')    the tasks' logs
         LA    7,TCBS
         LA    8,NTASKS
FINLOOP  MVC   0(4,6),TEXIT(7)
         L     3,TLOGF(0,7)
         MVC   4(4,6),0(3)             log word count
         L     3,TDATAF(0,7)
         MVC   8(8,6),0(3)             data+0, data+4
         L     4,TLOGF(0,7)
         L     3,=F'1024'
         LR    5,3
         MVCL  2,4                     the log page's first 1K
         LA    6,16(0,6)
         LA    7,TCBLEN(0,7)
         BCT   8,FINLOOP
         LPSW  DONE
*---------------------------------------------------------------------
* Kernel data
*---------------------------------------------------------------------
         DS    0D
KPSW     DS    D                       PSW in transit
KREGS    DS    16F                     registers in transit
NOW      DS    D
NEXTCKC  DS    D
ENDTOD   DS    D
NEVER    DC    X'FFFFFFFFFFFFFFFF'     a clock comparator out of reach
FOREVER  DC    X'7FFFFFFFFFFFF000'     a CPU timer out of reach
SLICE    DC    X'00000000001F4000'     500 us (bit 51 = 1 us)
WAITPSW  DC    X'010A0000',A(0)        enabled wait: external only
DONE     DC    X'000A0000',A(0)        disabled wait: the end
FAILPSW  DC    X'000A0000',A(X'BAD')   disabled wait: a kernel fault
CRINIT   DC    X'00800C00'             CR0: 4K pages, 64K segments, CKC, CPUT
         DC    A(SEGA)                 CR1: task A's segment table
CURCR1   DC    A(SEGA)                 CR1 now
CURIDX   DC    A(NTASKS-1)             the task last dispatched
CURTCB   DC    A(0)                    its TCB
RUNFLAG  DC    X'00'                   1 while a task runs, 0 idle
TEMP     DS    X
         DS    0F
COUNTERS DS    0XL48                   copied into the summary at +8
NDISP    DC    F'0'
NSWITCH  DC    F'0'
NPREEMPT DC    F'0'
NCLOCK   DC    F'0'
NIDLE    DC    F'0'
NSVC     DC    F'0'
NSVC1    DC    F'0'
NSVC2    DC    F'0'
NSVC3    DC    F'0'
NSVC4    DC    F'0'
NFAULT   DC    F'0'
NPAGEIN  DC    F'0'
KEYTAB   DC    A(X'20000'),F'128'      task A's frames: key 8
         DC    A(X'23000'),F'128'
         DC    A(X'25000'),F'128'
         DC    A(X'30000'),F'144'      task B's frames: key 9
         DC    A(X'34000'),F'144'
         DC    A(X'37000'),F'144'
         DC    A(0)
         DS    0D
TCBS     DC    X'05890000',A(TASKVA)   task A: EC, DAT, external, key 8, problem
         DC    16F'0'
         DC    A(SEGA),A(READY),2F'0',F'0',A(X'25000'),A(X'23000')
         DC    A(PTA+2),A(PTA),5F'0'
         DC    X'05990000',A(TASKVA)   task B: the same with key 9
         DC    16F'0'
         DC    A(SEGB),A(READY),2F'0',F'0',A(X'34000'),A(X'37000')
         DC    A(PTB+2),A(PTB),5F'0'
         LTORG
KERNEND  EQU   *
*---------------------------------------------------------------------
* Segment and page tables (real X'1000')
*---------------------------------------------------------------------
         ORG   MINIOS+X'1000'
SEGA     DC    X'20',AL3(PTK)          segment 0: the kernel, 3 pages
         DC    X'20',AL3(PTA)          segment 1: task A's pages
         DC    14X'00000001'           segments 2-15: invalid
SEGB     DC    X'20',AL3(PTK)          segment 0: the same page table
         DC    X'20',AL3(PTB)          segment 1: task B's pages
         DC    14X'00000001'
PTK      DC    X'0000',X'0010',X'0020' pages 0-2: frames 0-2
         DS    0D
PTA      DC    X'0200',X'0258',X'0230' code 20000, data 25000 (invalid
*                                      until first use), log 23000
         DS    0D
PTB      DC    X'0300',X'0348',X'0370' code 30000, data 34000 (the same),
*                                      log 37000
*---------------------------------------------------------------------
* Task A (real X'20000', runs at virtual X'10000')
*---------------------------------------------------------------------
         ORG   MINIOS+X'20000'
         DROP  0
TASKA    BALR  12,0
         USING *,12
         L     11,=A(DATAVA)           R11: my data page
         SR    6,6                     R6: the sum
         LA    2,1                     R2: i
         LA    8,16(0,11)              R8: where i*i goes
         LA    9,50                    R9: terms to the next log word
         LA    10,2                    R10: log words to the next yield
ALOOP    LR    5,2
         MR    4,2                     R5 = i*i
         ST    5,0(0,8)
         LA    8,4(0,8)
         AR    6,5
         BCT   9,ANEXT
         LA    9,50
         LR    1,6
         SVC   1                       log the running sum
         BCT   10,ANEXT
         LA    10,2
         SVC   2                       yield
ANEXT    LA    2,1(0,2)
         C     2,=F'600'
         BNH   ALOOP
         ST    6,0(0,11)
         BCTR  2,0
         ST    2,4(0,11)               600 terms
         LR    1,6
         SVC   3                       exit with the sum
         LTORG
         DROP  12
*---------------------------------------------------------------------
* Task B (real X'30000', runs at virtual X'10000')
*---------------------------------------------------------------------
         ORG   MINIOS+X'30000'
TASKB    BALR  12,0
         USING *,12
         L     11,=A(DATAVA)           R11: my data page; flags at +256
         LA    1,500
         SVC   4                       sleep 500 us
         LA    2,2                     R2: p
BOUTER   LR    5,2
         MR    4,2                     R5 = p*p
         C     5,=A(LIMIT)
         BNL   BSIEVED
         LA    7,256(2,11)
         CLI   0(7),0                  p composite?
         BNE   BNEXTP
         LA    7,256(5,11)             R7: flag of p*p
         LR    8,2                     R8: step p
         LA    9,256+LIMIT-1(0,11)     R9: the last flag
BMARK    MVI   0(7),1
         BXLE  7,8,BMARK
BNEXTP   LA    2,1(0,2)
         B     BOUTER
BSIEVED  L     1,=F'10000'
         SVC   4                       sleep 10 ms
         SR    3,3                     R3: primes found
         SR    4,4                     R4: the largest
         LA    2,2                     R2: n
         LA    7,258(0,11)             R7: flag of n
BEMIT    CLI   0(7),0
         BNE   BENEXT
         LR    1,2
         SVC   1                       log the prime
         LA    3,1(0,3)
         LR    4,2
BENEXT   LA    7,1(0,7)
         LA    2,1(0,2)
         C     2,=A(LIMIT)
         BL    BEMIT
         ST    3,0(0,11)
         ST    4,4(0,11)
         LR    1,3
         SVC   3                       exit with the count
         LTORG
         END
