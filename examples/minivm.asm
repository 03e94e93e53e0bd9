*---------------------------------------------------------------------
* minivm.asm: a small hypervisor for the s370 machine.
*
* A control program that runs one or more guests (up to 8) with
* START INTERPRETIVE EXECUTION (SIE, docs/interpretive-execution.md),
* as resident guests in its own storage, round robin on its CPU
* timer, and simulates their card readers and printers.
*
*   s370 run examples/minivm.asm --config examples/minivm.toml
*
* conformance/minivm.py builds decks and runs it; tests/test_minivm.py
* compares every guest with the same guest run alone.
*
* Devices of minivm: reader X'00C' (binary 80-byte cards, the deck
* below), printer X'00E' (1403).  minivm runs in the BC mode, key 0,
* disabled, except around SIE, where its PSW enables external
* interruptions and CR0 only the CPU-timer subclass (X'00000400').
*
* THE DECK.  At start minivm reads its whole reader into storage at
* X'12000' (one card per START I/O, until unit exception).  The deck
* is, for each guest, in this order:
*   1. a control card, EBCDIC, fixed columns:
*        col  1-13  'MINIVM GUEST '
*        col 14-21  the guest's name (8 characters, printed as given)
*        col 23-27  its storage in K, 5 decimal digits (00256 = 256K;
*                   a multiple of 4, from 00004 to 16384)
*        col 28     'K'
*        col 30-32  its reader's I/O address, 3 hexadecimal digits
*        col 34-36  its printer's I/O address, 3 hexadecimal digits
*      e.g.  MINIVM GUEST MINIOS   00256K 00C 00E
*   2. the guest's program as an object deck (ESD, TXT, RLD, END
*      cards as reference/asm/objdeck.py writes them; column 1 X'02').
*      TXT data is loaded at guest absolute address = TXT address
*      (cols 6-8; count cols 11-12, 1 to 56); ESD and RLD cards are
*      skipped (the load address is 0); END ends the deck.
*   3. a count card: col 1-13 'MINIVM CARDS ', col 14-18 the number N
*      of cards that follow for the guest's reader (5 decimal digits)
*   4. those N cards, anything at all (so a count, not a terminator).
* Bad input ends the run with one printed line
*   MINIVM   BAD DECK CARD nnnnn: reason
* (nnnnn the card number from 1) and a disabled wait, BC-mode PSW
* X'00020000 0000DECx' with x:
*   2  card nnnnn is not a MINIVM GUEST card, or its fields are bad
*   4  card nnnnn is not an ESD, TXT, RLD or END card, or a TXT card
*      with a bad count or beyond the guest's storage
*   6  card nnnnn is not a MINIVM CARDS card, or its count is bad
*   8  the deck ends (card nnnnn missing) inside a guest
*   A  card nnnnn could not be read (a reader error), or the deck
*      does not fit in minivm's storage
*   C  no guest, or more than 8 (card nnnnn is the ninth)
*   E  the guest of card nnnnn does not fit in minivm's storage
*
* GUESTS.  Each guest gets, in deck order, a 4K-aligned origin: the
* first one after the deck, each next one after the one before.  Its
* storage is cleared (MVCL), its image loaded, then its storage keys
* set to zero (SSK: the guest's keys are the host keys of its frames,
* no key area); then, as s370 run starts a program: the restart
* interruption, old PSW (zero) stored at guest 8, PSW from guest 0.
* Its SD: mode X'18' (System/370, resident), prefix 0, CRs at their
* reset values (CR0 X'000000E0', CR2 X'FFFFFFFF', CR14 X'C2000000',
* CR15 X'00000200', the others 0), CPU timer, clock comparator,
* elapsed time, instruction count and interval-timer steps 0, no
* interception controls, interruption chain 1 (the restart).
*
* THE TABLE OF GUESTS, at X'10000' (for tests and dumps):
*   X'10000'  C'MVMT', number of guests, cards in the deck, address
*             after the last card, address after the last guest
*   X'10100' + n*X'200', n = 0..7: guest n's entry
*     +000  its SD (256 bytes; the state when the guest ended)
*     +100  name (8)      +108  state: 1 running, 2 ended
*     +10C  how it ended (1-6, below)
*     +110  interceptions  +114  storage size (bytes)
*     +118  reader cards: address of the first, +11C their number,
*           +120 next card index   +124 printer line (1-66)
*     +128  detail of the end (halfword, below)
*     +130  guest registers 0-15 (0-13 as the last SIE left them)
*     +170  reader device, +190 printer device (32 bytes each:
*           +0 state (0 idle, 1 busy: working, or pending once its
*           time has come), +4 sense, +5 type (1 reader, 2 printer),
*           +6 I/O address, +8 end time (guest microseconds), +16
*           the CSW to present, +24 CAW key)
*     +1B0  address of its shadow SD, +1B4 address of its own SD (the
*           inner SD, in its storage) while it runs SIE, +1B8 1 while
*           its SIE is under way, +1C0 shadow instructions at entry,
*           +1C8 its TOD offset: guest TOD = elapsed * 4096 + this
*           (0 unless the guest sets its clock, SCK)
*   X'11100' + n*X'100': guest n's shadow SD
*   The guest's storage is at the SD's origin (+008), its size +00C.
*
* SCHEDULING.  Round robin: a guest runs until an interception, or
* until minivm's CPU timer (a slice of 20000 guest microseconds, or
* less: up to the guest's next I/O completion) makes SIE end (code
* 0, minivm's old PSW at the SIE).  Before each SIE minivm sets the
* SD's epoch so that guest TOD = guest elapsed time (SD X'E0') *
* 4096 (plus what the guest's SET CLOCKs changed, entry +1C8, kept
* from the SD's epoch after each SIE): the host TOD clock is read by
* STCK a fixed number (15) of
* instructions before the SIE.  The CPU timer is set (SPT) 16
* instructions before the SIE to (D + 15) * 4096 so that SIE ends
* after exactly D guest instructions.
*
* INTERCEPTIONS (SD X'50'):
*   4  instruction:
*      SIO, SIOF, TIO, CLRIO, HIO, HDV, TCH, STIDC: channel I/O to the
*        guest's reader and printer, simulated (below); any other
*        I/O address is not operational (CC 3).
*      DIAGNOSE: second-operand address 0: CC 0; otherwise a
*        specification exception presented to the guest.
*      STIDP: X'0000000130330000' stored (the native machine's CPU
*        ID), with its specification and addressing exceptions.
*      SIGP: CC 3, whatever the CPU address (deviation: the machine's
*        own CPU, address 0, takes the orders; a guest of minivm
*        signals no CPU).   SIE: the guest's own guest (below).
*      The target of EXECUTE likewise (its second byte ORed with R1,
*      the guest's DAT off).  Anything else, EXECUTE with the guest's
*      DAT on, or STIDP with DAT on: the guest ends (5, UNSUPP).
*   24 I/O request: the pending I/O interruption is presented.
*   28 wait: disabled wait (no I/O, no external mask): the guest ends;
*      an I/O interruption it is enabled for that is pending already
*      is presented at once (no time passes: the machine takes it
*      before the wait); otherwise its time moves to the moment an
*      interruption can end the wait, computed as the native machine
*      does (its CPU timer, clock comparator, interval timer, its next
*      I/O completion):
*      SD elapsed time and CPU timer advance; when nothing can end the
*      wait, the guest ends.
*   32 validity, 56 interruption loop, any other: the guest ends.
* Interruptions presented to a guest (I/O, program) are swapped as the
* machine's _swap does, BC or EC mode, and counted in the SD's chain.
*
* CHANNEL I/O.  A command is carried out when its START I/O is
* simulated (the whole command chain at once), and lasts 10 us plus
* 1 us per byte of guest time: the device's channel end and device
* end come at start + the sum (SD elapsed after the SIO counts the
* SIO).  The I/O interruption is presented at the first guest
* instruction boundary at or after that time at which the guest is
* enabled for the device's channel (BC channel masks, EC I/O mask and
* CR2), with the CSW at guest 64, the address in the old PSW (BC) or
* at guest 186 (EC).  Not enabled: the SD's V X'02' request.  An
* intercepted instruction sees the state of the boundary before it.
* Reader: X'02' (X'42', X'82', X'C2') read the guest's next card, 80
* bytes; after its last, unit exception.  Printer: write (X'01',
* X'09'...): the line is printed on minivm's printer as the guest's
* name, a blank, then its first 123 bytes; carriage control is kept
* per guest (unit exception on spacing onto line 61, as the 1403)
* and not printed.  X'03' no-op, X'04' sense; other commands: unit
* check, command reject.  CAW and CCW checks, TIC, command chaining,
* data chaining (10 us per CCW of the data chain), SLI, skip,
* incorrect length, HIO, CLRIO, TIO, TCH and key-controlled protection
* with the CAW key as docs/configuration.md has them, and the storage
* keys' reference and change bits as the channel sets them.  Not
* simulated: indirect data addressing (the guest ends, 5 below), PCI
* (ignored).  An immediate command (no-op, space, skip) with the CD
* flag does not chain.  HIO, HDV and CLRIO on a working chain act on
* the command under way (START I/O keeps each chained command's end
* time and CSW, 15 at most, in the device's halt table, HALTTAB).
* Deviation: the data of a command reached by command chaining moves
* at the START I/O (its timing is exact), so a halt or clear of the
* chain before it does not undo its data, card or printed line.
*
* SIE OF A GUEST (so minivm runs under minivm).  A guest's SIE (code
* 4, IPA X'B214') names its inner SD by a guest real address: 256-byte
* boundary (else a specification exception), within the guest's
* storage (else addressing).  minivm checks it as the machine checks an
* SD, against the guest's storage, and stores a validity interception
* (code 32, reason at X'56') into it: 1 not System/370, 2 origin or
* extent not a multiple of 4K or extent 0 or over 16M, X'80' pageable
* (minivm runs resident inner guests only), 3 storage beyond the
* guest's or over its low 4K, its prefix area or the SD, 4 likewise
* for a key area, 5 the inner prefix area beyond the inner extent.
* Otherwise it builds the guest's shadow SD: the inner SD with origin
* (and a nonzero key area) + the guest's origin, and runs it with SIE
* (registers 0-13 the guest's; epoch: guest elapsed * 4096 + the inner
* epoch - host TOD, so inner TOD = guest TOD + inner epoch).  Each
* inner instruction is also the guest's: its elapsed time, instruction
* count and CPU timer advance by them.  minivm's CPU timer stops the
* shadow SIE at the guest's next event (its CPU timer, clock
* comparator, interval timer, I/O completion) or the slice.  After it:
* the shadow goes back into the inner SD (its origin and key area kept,
* its epoch moved by what the inner guest changed), registers 0-13
* into the guest's; an interception completes the guest's SIE (its PSW
* is past it); without one, if the guest can now be interrupted (an
* enabled pending condition), its SIE ends with code 0 and its PSW
* back at the SIE, as the machine does; otherwise the shadow SIE goes
* on at the guest's next turn.
*
* THE END.  When every guest has ended, minivm prints one line per
* guest:
*   MINIVM   name     how      PSW xxxxxxxx xxxxxxxx INSTRUCTIONS
*            nnnnnnnnnn INTERCEPTIONS nnnnnnnnnn CODE xxxx
* (one line) and stops in the disabled wait X'00020000 00000000'.
* How a guest ended (entry +10C, the word printed):
*   1 WAIT     disabled wait              2 IDLE  enabled wait that
*   3 LOOP     interruption loop (56)       nothing can end
*   4 VALIDITY validity interception: CODE the reason
*   5 UNSUPP   an instruction not simulated: CODE its first halfword
*   6 INTERCPT an unexpected interception: CODE its code
* A program interruption of minivm itself: disabled wait X'BAD'.
*---------------------------------------------------------------------
MINIVM   START 0
         USING MINIVM,10,11,12,13
         DC    X'00000000',A(BEGIN)    restart new PSW: BC, disabled
         ORG   MINIVM+X'58'
         DC    X'00000000',A(EXTINT)   external new PSW
         ORG   MINIVM+X'68'
         DC    X'00000000',A(PGMINT)   program new PSW
         DC    X'00020000',A(X'BAD')   machine-check new PSW
         DC    X'00020000',A(X'BAD')   I/O new PSW (never enabled)
         ORG   MINIVM+X'200'
*
* Below 4096: what the code after SIE reaches with base register 0
*
BASES    DC    A(MINIVM,MINIVM+4096,MINIVM+8192,MINIVM+12288)
BADPSW   DC    X'00020000',A(X'BAD')
ENABLE   DC    X'01'                   system mask around SIE
DISABLE  DC    X'00'
PROBING  DC    X'00'                   X'01' while probing storage
         DS    0F
SIEREGS  DS    14F                     registers 0-13 after SIE
         DS    0D
*
* The external interruption of minivm's CPU timer: SIE ended (code 0,
* or an interception just before), R15 the SD, R0-13 the guest's.
EXTINT   STM   0,13,SIEREGS-MINIVM
         LM    10,13,BASES-MINIVM
         B     SIEBACK
PGMINT   CLI   PROBING-MINIVM,X'01'
         BNE   PGMBAD
         LM    10,13,BASES-MINIVM
         B     BADSTOR
PGMBAD   LPSW  BADPSW-MINIVM
*
* SD and entry offsets
SDV      EQU   X'00'
SDMODE   EQU   X'03'
SDPREF   EQU   X'04'
SDORIG   EQU   X'08'
SDEXT    EQU   X'0C'
SDGR14   EQU   X'10'
SDPSW    EQU   X'18'
SDCPUT   EQU   X'28'
SDCKC    EQU   X'30'
SDEPOCH  EQU   X'38'
SDCODE   EQU   X'50'
SDFLAGS  EQU   X'51'
SDIPA    EQU   X'56'
SDIPB    EQU   X'58'
SDCR     EQU   X'80'
SDELAP   EQU   X'E0'
SDINSTR  EQU   X'E8'
SDISTEP  EQU   X'F0'
SDCHAIN  EQU   X'F8'
ENAME    EQU   X'100'
ESTATE   EQU   X'108'
EREASON  EQU   X'10C'
EICOUNT  EQU   X'110'
ESIZE    EQU   X'114'
ECARDS   EQU   X'118'
ENCARDS  EQU   X'11C'
ENEXT    EQU   X'120'
EPLINE   EQU   X'124'
EDETAIL  EQU   X'128'
GSAVE    EQU   X'130'
EDEVR    EQU   X'170'
EDEVP    EQU   X'190'
ESSD     EQU   X'1B0'
EISD     EQU   X'1B4'
ESHADOW  EQU   X'1B8'
ESHINST  EQU   X'1C0'
ETODOFF  EQU   X'1C8'
ESIZEOF  EQU   X'200'
DSTATE   EQU   0
DSENSE   EQU   4
DTYPE    EQU   5
DCUU     EQU   6
DTIME    EQU   8
DCSW     EQU   16
DKEY     EQU   24
GTABLE   EQU   X'10000'
GENTRY0  EQU   X'10100'
SHADOWS  EQU   X'11100'
DECK     EQU   X'12000'
MAXG     EQU   8
SLICE    EQU   20000                   guest microseconds a slice
KSPT     EQU   16                      instructions after SPT to SIE
KSTCK    EQU   15                      instructions after STCK to SIE
*
*---------------------------------------------------------------------
* Start
*---------------------------------------------------------------------
BEGIN    LM    10,13,BASES-MINIVM
         LCTL  0,0,CR0VAL              CPU-timer subclass only
*
* 1. Read the whole reader into DECK
         L     3,=A(DECK)
         SR    4,4                     cards read
RDLOOP   ST    3,RDCCW
         MVI   RDCCW,X'02'
         LA    1,RDCCW
         ST    1,X'48'                 CAW: key 0
         LA    2,X'00C'
         MVI   PROBING-MINIVM,X'01'    a deck beyond storage: DECA
         IC    0,79(,3)
         MVI   PROBING-MINIVM,X'00'
         BAL   14,DOIO
         LTR   15,15
         BNZ   RDEND                   no reader: no cards
         TM    X'44',X'01'             unit exception: the end
         BO    RDEND
         TM    X'44',X'F2'
         BNZ   BADREAD
         CLI   X'45',X'00'
         BNE   BADREAD
         LA    3,80(,3)
         LA    4,1(,4)
         B     RDLOOP
RDEND    ST    4,NCARDS
         ST    3,DECKEND
*
* 2. Parse the deck: the guests
         MVI   PARSING,1
         L     3,=A(DECK)              R3: the card
         LA    4,1                     R4: its number
         L     8,NCARDS                R8: cards left, this one included
         L     9,=A(GENTRY0)           R9: the entry
         SR    7,7                     R7: guests
         L     1,DECKEND
         A     1,=F'4095'
         N     1,=A(X'FFF000')
         ST    1,FREE
PGUEST   LTR   8,8
         BZ    PDONE
         CLC   0(13,3),=C'MINIVM GUEST '
         BNE   BADCTL
         C     7,=A(MAXG)
         BNL   BADMANY
         XC    0(256,9),0(9)
         XC    256(256,9),256(9)
         MVC   ENAME(8,9),13(3)
         LA    1,22(,3)
         LA    2,5
         BAL   14,DECNUM
         LTR   15,15
         BNZ   BADCTL
         CLI   27(3),C'K'
         BNE   BADCTL
         LTR   0,0
         BZ    BADCTL
         LR    1,0
         N     1,=F'3'
         BNZ   BADCTL
         C     0,=F'16384'
         BH    BADCTL
         SLL   0,10
         ST    0,ESIZE(9)
         ST    0,SDEXT(9)
         CLI   28(3),C' '
         BNE   BADCTL
         LA    1,29(,3)
         LA    2,3
         BAL   14,HEXNUM
         LTR   15,15
         BNZ   BADCTL
         STH   0,EDEVR+DCUU(9)
         CLI   32(3),C' '
         BNE   BADCTL
         LA    1,33(,3)
         LA    2,3
         BAL   14,HEXNUM
         LTR   15,15
         BNZ   BADCTL
         STH   0,EDEVP+DCUU(9)
         CLC   EDEVR+DCUU(2,9),EDEVP+DCUU(9)
         BE    BADCTL
         MVI   EDEVR+DTYPE(9),1
         MVI   EDEVP+DTYPE(9),2
*        its storage
         L     5,FREE
         ST    5,SDORIG(9)
         L     6,ESIZE(9)
         AR    6,5
         C     6,=A(X'1000000')
         BH    BADSTOR
         ST    6,FREE
         BCTR  6,0
         MVI   PROBING-MINIVM,X'01'
         IC    0,0(,6)                 its last byte is in storage
         MVI   PROBING-MINIVM,X'00'
         LR    14,5                    storage zero
         L     15,ESIZE(9)
         SR    0,0
         SR    1,1
         MVCL  14,0
*        its SD, and its shadow SD
         LR    1,7
         SLL   1,8
         A     1,=A(SHADOWS)
         ST    1,ESSD(9)
         MVI   SDMODE(9),X'18'
         MVC   SDCR(4,9),=F'224'       CR0 X'000000E0'
         MVC   SDCR+8(4,9),=X'FFFFFFFF'
         MVC   SDCR+56(4,9),=X'C2000000'
         MVC   SDCR+60(4,9),=F'512'
         MVC   SDCHAIN(4,9),=F'1'
         MVI   ESTATE+3(9),1
         MVC   EPLINE(4,9),=F'1'
*        its object deck
PTEXT    BAL   14,NEXTCARD
         CLI   0(3),X'02'
         BNE   BADOBJ
         CLC   1(3,3),=C'TXT'
         BE    PTXT
         CLC   1(3,3),=C'ESD'
         BE    PTEXT
         CLC   1(3,3),=C'RLD'
         BE    PTEXT
         CLC   1(3,3),=C'END'
         BE    PEND
         B     BADOBJ
PTXT     SR    1,1
         ICM   1,7,5(3)                address
         SR    2,2
         ICM   2,3,10(3)               count
         LTR   2,2
         BZ    BADOBJ
         C     2,=F'56'
         BH    BADOBJ
         LR    0,1
         AR    0,2
         C     0,ESIZE(9)
         BH    BADOBJ
         A     1,SDORIG(9)
         BCTR  2,0
         EX    2,MVCTXT
         B     PTEXT
*        the restart interruption
PEND     L     1,SDORIG(9)             keys zero, after the loading
         L     6,ESIZE(9)
         SRL   6,11
         SR    2,2
PKEYS    SSK   2,1
         LA    1,2048(,1)
         BCT   6,PKEYS
         L     1,SDORIG(9)
         XC    8(8,1),8(1)             old PSW: zero
         MVC   SDPSW(8,9),0(1)         new PSW from 0
*        its reader's cards
         BAL   14,NEXTCARD
         CLC   0(13,3),=C'MINIVM CARDS '
         BNE   BADCNT
         LA    1,13(,3)
         LA    2,5
         BAL   14,DECNUM
         LTR   15,15
         BNZ   BADCNT
         ST    0,ENCARDS(9)
         LA    1,80(,3)
         ST    1,ECARDS(9)
         LR    1,8
         BCTR  1,0                     cards after this one
         CR    0,1
         BH    BADCNTE
         LR    1,0
         LA    1,1(,1)                 N + 1 cards: to the next guest
         SR    8,1
         AR    4,1
         M     0,=F'80'
         AR    3,1
         LA    7,1(,7)
         LA    9,ESIZEOF(,9)
         B     PGUEST
PDONE    LTR   7,7
         BZ    BADNONE
         ST    7,NGUESTS
         L     1,=A(GTABLE)
         MVC   0(4,1),=C'MVMT'
         ST    7,4(,1)
         MVC   8(4,1),NCARDS
         MVC   12(4,1),DECKEND
         MVC   16(4,1),FREE
         LR    1,7
         M     0,=A(ESIZEOF)
         A     1,=A(GENTRY0)
         ST    1,GLIMIT
         SL    9,=A(ESIZEOF)           the last: the first to run next
*
*---------------------------------------------------------------------
* 3. Scheduling: the next running guest after R9, round robin
*---------------------------------------------------------------------
SCHED    L     6,NGUESTS
SCHED1   LA    9,ESIZEOF(,9)
         C     9,GLIMIT
         BL    SCHED2
         L     9,=A(GENTRY0)
SCHED2   CLI   ESTATE+3(9),1
         BE    DISP
         BCT   6,SCHED1
         B     FINISH
*
* Dispatch the guest of R9: present its pending I/O interruptions,
* then SIE for at most D guest instructions (R2).
DISP     CLI   ESHADOW+3(9),1
         BE    SHADOW                  the guest is in its own SIE
         BAL   14,IOPEND
         MVC   SIEX(8),ETODOFF(9)      its TOD: elapsed * 4096 + offset
         LR    15,9
*
* GOSIE: SIE on the SD at R15 for at most R2 guest instructions, the
* time base (elapsed time) that of the entry at R9, the epoch
* elapsed * 4096 + SIEX - the host TOD clock at the SIE, the
* registers 0-13 of the entry at R9
GOSIE    ST    9,CURENT
         LA    1,KSPT-1(,2)
         SR    0,0
         SLDL  0,12
         STM   0,1,TIMERV
         MVI   SDCODE(15),0
         LM    0,1,SDELAP(9)
         SLDL  0,12
         AL    1,SIEX+4
         BC    12,*+8
         AL    0,=F'1'
         AL    0,SIEX
         STM   0,1,EBASE
         SPT   TIMERV
         STCK  HOSTTOD
         LM    0,1,EBASE               1   epoch = base
         SL    1,HOSTTOD+4             2       - host TOD at the SIE
         BC    3,EPNB1                 3
         BCTR  0,0                     4
         B     EPNB2                   5
EPNB1    BCR   0,0                     4
         BCR   0,0                     5
EPNB2    SL    0,HOSTTOD               6
         SL    1,STCKADJ+4             7
         BC    3,EPNB3                 8
         BCTR  0,0                     9
         B     EPNB4                   10
EPNB3    BCR   0,0                     9
         BCR   0,0                     10
EPNB4    STM   0,1,SDEPOCH(15)         11
         STM   0,1,SIEEPIN             12
         LM    0,13,GSAVE(9)           13
         SSM   ENABLE-MINIVM           14
         SIE   0(15)                   15
         SSM   DISABLE-MINIVM
         STM   0,13,SIEREGS-MINIVM
         LM    10,13,BASES-MINIVM
SIEBACK  L     9,CURENT
         MVC   GSAVE(56,9),SIEREGS
         CR    15,9
         BNE   SHADOWBK
         LM    0,1,SDEPOCH(9)          the TOD offset += what SCK did
         SL    1,SIEEPIN+4
         BC    3,*+8
         SL    0,=F'1'
         SL    0,SIEEPIN
         AL    1,ETODOFF+4(9)
         BC    12,*+8
         AL    0,=F'1'
         AL    0,ETODOFF(9)
         STM   0,1,ETODOFF(9)
SIEDONE  MVC   GSAVE+56(8,9),SDGR14(9)
         SR    1,1
         IC    1,SDCODE(9)
         LTR   1,1
         BZ    SCHED                   slice or I/O time: the next
         L     0,EICOUNT(9)
         A     0,=F'1'
         ST    0,EICOUNT(9)
         C     1,=F'4'
         BE    INSTR
         C     1,=F'24'
         BE    DISP
         C     1,=F'28'
         BE    WAITST
         C     1,=F'32'
         BE    VALID
         C     1,=F'56'
         BE    LOOPEND
         STH   1,EDETAIL(9)
         LA    0,6
         B     ENDG
VALID    MVC   EDETAIL(2,9),SDIPA(9)
         LA    0,4
         B     ENDG
LOOPEND  LA    0,3
*        the guest ends (R0 how)
ENDG     ST    0,EREASON(9)
         MVI   ESTATE+3(9),2
         B     SCHED
*
*---------------------------------------------------------------------
* Instruction interceptions
*---------------------------------------------------------------------
INSTR    TM    SDFLAGS(9),X'01'
         BO    INSTREX
INSTR1   DS    0H
         CLI   SDIPA(9),X'9C'
         BE    ISIO
         CLI   SDIPA(9),X'9D'
         BE    ITIO
         CLI   SDIPA(9),X'9E'
         BE    IHIO
         CLI   SDIPA(9),X'9F'
         BE    ITCH
         CLI   SDIPA(9),X'83'
         BE    IDIAG
         CLI   SDIPA(9),X'AE'
         BE    CC3
         CLC   SDIPA(2,9),=X'B202'
         BE    ISTIDP
         CLC   SDIPA(2,9),=X'B203'
         BE    ISTIDC
         CLC   SDIPA(2,9),=X'B214'
         BE    ISIE
UNSUPP   MVC   EDETAIL(2,9),SDIPA(9)
         LA    0,5
         B     ENDG
*
* The target of EXECUTE (DAT off): it takes the place of the EXECUTE in
* IPA and IPB, its second byte ORed with register R1's low byte
INSTREX  TM    SDPSW+1(9),X'08'
         BZ    IEX1
         TM    SDPSW(9),X'04'          DAT on: not simulated
         BO    UNSUPP
IEX1     SR    0,0
         IC    0,SDIPA+1(9)
         STC   0,EXR1X2                the EXECUTE's R1 and X2
         BAL   14,OPADDR               B2 + D2
         SR    2,2
         IC    2,EXR1X2
         N     2,=F'15'                X2
         BZ    IEX2
         SLL   2,2
         A     1,GSAVE(2,9)
         N     1,=A(X'FFFFFF')
IEX2     LR    0,1
         N     0,=F'1'
         BNZ   SPECX                   an odd target
         LA    0,6(,1)
         C     0,ESIZE(9)
         BH    ADDRX
         BAL   14,GREAL
         MVC   SDIPA(6,9),0(1)
         SR    2,2
         IC    2,EXR1X2
         SRL   2,4                     R1
         LTR   2,2
         BZ    IEX3
         SLL   2,2
         L     0,GSAVE(2,9)
         STC   0,TMPB
         OC    SDIPA+1(1,9),TMPB
IEX3     MVI   SDFLAGS(9),0
         B     INSTR1
*
CC0      SR    2,2
         B     SETCCD
CC1      LA    2,1
         B     SETCCD
CC2      LA    2,2
         B     SETCCD
CC3      LA    2,3
SETCCD   BAL   14,SETCC
         B     DISP
*
*
*---------------------------------------------------------------------
* SIE of a guest: interpretive execution of its guest, by a shadow SD
*---------------------------------------------------------------------
ISIE     BAL   14,OPADDR               the SD's guest real address
         LR    0,1
         N     0,=F'255'
         BNZ   SPECX
         BAL   14,GREAL
         S     1,SDORIG(9)             R4: its guest absolute address
         LR    4,1
         LA    0,256(,1)
         C     0,ESIZE(9)
         BH    ADDRX
         A     1,SDORIG(9)
         LR    3,1                     R3: the inner SD (host address)
         LA    2,1                     the checks of the machine
         TM    SDMODE(3),X'10'
         BZ    SIEVAL
         LA    2,2
         L     5,SDORIG(3)             R5-R7: its storage
         L     6,SDEXT(3)
         LR    0,5
         OR    0,6
         N     0,=F'4095'
         BNZ   SIEVAL
         LTR   6,6
         BZ    SIEVAL
         C     6,=A(X'1000000')
         BH    SIEVAL
         LA    2,X'80'                 pageable: not here
         TM    SDMODE(3),X'08'
         BZ    SIEVAL
         LA    2,3
         LR    7,5
         AR    7,6
         CL    7,ESIZE(9)
         BH    SIEVAL
         BAL   14,SIEOVL
         LTR   15,15
         BNZ   SIEVAL
         L     8,X'60'(,3)             the key area
         LTR   8,8
         BZ    SIEPFX
         LA    2,4
         STM   5,7,SIEKEEP
         LR    5,8
         LR    7,6
         SRL   7,11
         AR    7,5
         CL    7,ESIZE(9)
         BH    SIEVAL
         BAL   14,SIEOVL
         LTR   15,15
         BNZ   SIEVAL
         C     5,SIEKEEP+8             over the guest storage?
         BNL   SIEKA1
         C     7,SIEKEEP
         BH    SIEVAL
SIEKA1   LM    5,7,SIEKEEP
SIEPFX   LA    2,5
         L     0,SDPREF(3)
         N     0,=A(X'FFF000')
         A     0,=F'4096'
         CLR   0,6
         BH    SIEVAL
*        the shadow SD: the inner one at host addresses
         L     15,ESSD(9)
         MVC   0(256,15),0(3)
         A     5,SDORIG(9)
         ST    5,SDORIG(15)
         LTR   8,8
         BZ    SIESH1
         A     8,SDORIG(9)
         ST    8,X'60'(,15)
SIESH1   XC    SDCODE(16,15),SDCODE(15)
         ST    3,EISD(9)
         MVC   ESHADOW(4,9),=F'1'
         B     SHADOW
*        a validity interception (R2 the reason) into the inner SD
SIEVAL   MVI   SDCODE(3),32
         MVI   SDCODE+1(3),0
         STH   2,SDIPA(3)
         B     DISP
*        R15 4 when R5-R7 (start, -, end) overlaps the guest's low
*        4K, its prefix area or the SD at R4
SIEOVL   LA    15,4
         C     5,=F'4096'
         BLR   14
         L     0,SDPREF(9)
         N     0,=A(X'FFF000')
         CLR   0,7
         BNL   SIEOVL1
         A     0,=F'4096'
         CLR   5,0
         BLR   14
SIEOVL1  CLR   4,7
         BNL   SIEOVL2
         LA    0,256(,4)
         CLR   5,0
         BLR   14
SIEOVL2  SR    15,15
         BR    14
*
* SHADOW: run the guest's guest on the shadow SD, until the guest
* itself can be interrupted, at most a slice
SHADOW   BAL   14,NEXTEV
         CLC   WENDS(8),SDELAP(9)
         BNH   SHEND0                  interruptible now
         L     2,=A(SLICE)
         CLC   WENDS(4),SDELAP(9)
         BNE   SHGO
         L     0,WENDS+4
         SL    0,SDELAP+4(9)
         CLR   0,2
         BNL   SHGO
         LR    2,0
SHGO     L     15,ESSD(9)
         MVC   ESHINST(8,9),SDINSTR(15)
         L     1,EISD(9)
         MVC   SIEX(8),SDEPOCH(1)
         B     GOSIE
*        back from the shadow SIE: the inner guest's instructions are
*        the guest's time too
SHADOWBK L     15,ESSD(9)
         L     0,SDINSTR+4(15)
         SL    0,ESHINST+4(9)
         LM    2,3,SDELAP(9)
         ALR   3,0
         BC    12,*+8
         AL    2,=F'1'
         STM   2,3,SDELAP(9)
         LM    2,3,SDINSTR(9)
         ALR   3,0
         BC    12,*+8
         AL    2,=F'1'
         STM   2,3,SDINSTR(9)
         SR    2,2
         LR    3,0
         SLDL  2,12
         LM    4,5,SDCPUT(9)
         SLR   5,3
         BC    3,*+8
         SL    4,=F'1'
         SLR   4,2
         STM   4,5,SDCPUT(9)
*        the shadow into the inner SD, but its origin, key area, epoch
         L     3,EISD(9)
         MVC   SHSAVE(8),SDORIG(3)
         MVC   SHSAVE+8(4),X'60'(3)
         MVC   SHSAVE+16(8),SDEPOCH(3)
         MVC   0(256,3),0(15)
         MVC   SDORIG(8,3),SHSAVE
         MVC   X'60'(4,3),SHSAVE+8
         LM    0,1,SDEPOCH(15)         epoch += what the guest changed
         SL    1,SIEEPIN+4
         BC    3,*+8
         SL    0,=F'1'
         SL    0,SIEEPIN
         AL    1,SHSAVE+20
         BC    12,*+8
         AL    0,=F'1'
         AL    0,SHSAVE+16
         STM   0,1,SDEPOCH(3)
         CLI   SDCODE(15),0
         BE    SHCODE0
         XC    ESHADOW(4,9),ESHADOW(9) an interception: its SIE is done
         L     0,EICOUNT(9)
         A     0,=F'1'
         ST    0,EICOUNT(9)
         B     DISP
SHCODE0  BAL   14,NEXTEV
         CLC   WENDS(8),SDELAP(9)
         BH    SCHED                   not interruptible: go on later
*        the guest's SIE ends without interception, its PSW at the SIE
SHEND0   XC    ESHADOW(4,9),ESHADOW(9)
         L     3,EISD(9)
         MVI   SDCODE(3),0
         MVI   SDCODE+1(3),0
         XC    SDIPA(6,3),SDIPA(3)
         L     1,SDPSW+4(9)
         S     1,=F'4'
         N     1,=A(X'FFFFFF')
         L     0,SDPSW+4(9)
         N     0,=X'FF000000'
         OR    0,1
         ST    0,SDPSW+4(9)
         B     DISP
*
* DIAGNOSE: address 0 CC 0, else a specification exception
IDIAG    BAL   14,OPADDR
         LTR   1,1
         BZ    CC0
SPECX    LA    2,6
         LA    3,2
         BAL   14,PRESPGM
         B     DISP
*
* STORE CPU ID
ISTIDP   TM    SDPSW+1(9),X'08'
         BZ    ISTIDP1
         TM    SDPSW(9),X'04'          DAT on: not simulated
         BO    UNSUPP
ISTIDP1  BAL   14,OPADDR
         LR    0,1
         N     0,=F'7'
         BNZ   SPECX
         LA    0,8(,1)
         C     0,ESIZE(9)
         BH    ADDRX
         BAL   14,GREAL
         MVC   0(8,1),CPUID
         B     DISP
ADDRX    LA    2,5
         LA    3,2
         BAL   14,PRESPGM
         B     DISP
*
* STORE CHANNEL ID
ISTIDC   BAL   14,OPADDR
         SRL   1,8
         N     1,=F'255'
         BAL   14,CHANOK
         LTR   15,15
         BNZ   CC3
         LR    3,1
         LA    1,X'A8'
         BAL   14,GREAL
         MVC   0(4,1),=X'20000000'     block multiplexer
         LTR   3,3
         BNZ   CC0
         MVC   0(4,1),=X'10000000'     channel 0: byte multiplexer
         B     CC0
*
* TEST CHANNEL
ITCH     BAL   14,OPADDR
         SRL   1,8
         N     1,=F'255'
         BAL   14,CHANOK
         LTR   15,15
         BNZ   CC3
         LR    3,1
         LA    5,EDEVR(,9)
         BAL   14,TCHDEV
         LA    5,EDEVP(,9)
         BAL   14,TCHDEV
         B     CC0
TCHDEV   SR    0,0
         ICM   0,3,DCUU(5)
         SRL   0,8
         CR    0,3
         BNER  14
         ST    14,TCHSAVE
         BAL   14,DEVST
         L     14,TCHSAVE
         C     15,=F'2'
         BNER  14
         B     CC1
*
* TEST I/O and CLEAR I/O
ITIO     BAL   14,OPADDR
         BAL   14,FINDDEV
         LTR   5,5
         BZ    CC3
         BAL   14,DEVST
         CLI   SDIPA+1(9),X'01'
         BE    ICLRIO
         LTR   15,15
         BZ    CC0
         C     15,=F'1'
         BE    CC2
ITIOP    LA    1,X'40'                 pending: the CSW, cleared
         BAL   14,GREAL
         MVC   0(8,1),DCSW(5)
         XC    DSTATE(4,5),DSTATE(5)
         B     CC1
ICLRIO   LTR   15,15
         BZ    CC0
         C     15,=F'2'
         BE    ITIOP
         BAL   14,HTFIND               working: the command under way
         LTR   1,1
         BZ    ICLR1
         MVC   DCSW(8,5),0(1)
ICLR1    LA    1,X'40'                 its CSW, status zero
         BAL   14,GREAL
         MVC   0(8,1),DCSW(5)
         XC    4(2,1),4(1)
         XC    DSTATE(4,5),DSTATE(5)
         B     CC1
*
* HALT I/O and HALT DEVICE
IHIO     BAL   14,OPADDR
         BAL   14,FINDDEV
         LTR   5,5
         BZ    CC3
         BAL   14,DEVST
         C     15,=F'2'
         BE    CC0
         LR    3,15
         LA    1,X'44'
         BAL   14,GREAL
         XC    0(2,1),0(1)             status portion zero
         LTR   3,3
         BZ    CC1
         BAL   14,HTFIND               working: the command under way
         LTR   1,1
         BZ    IHIO1
         MVC   DCSW(8,5),0(1)
IHIO1    NI    DCSW+4(5),X'03'         it ends now
         OI    DCSW+4(5),X'0C'
         MVC   DTIME(8,5),SDELAP(9)
         B     CC1
*
* START I/O and START I/O FAST RELEASE
ISIO     BAL   14,OPADDR
         BAL   14,FINDDEV
         LTR   5,5
         BZ    CC3
         CLC   DSTATE(4,5),=F'0'
         BNE   CC2
         LA    1,X'48'
         BAL   14,GREAL
         L     3,0(,1)                 the CAW
         LR    1,3
         SRL   1,28
         ST    1,DKEY(5)
         LR    6,3
         N     6,=A(X'FFFFFF')         R6: the CCW address
         MVC   STIME(8),SDELAP(9)      the channel starts now
         MVI   FIRST,1
         BAL   14,HTADDR               no command of the chain ended
         XC    0(4,1),0(1)
         LR    1,3
         N     1,=A(X'0F000000')
         BNZ   SPCHK8
         LR    1,6
         N     1,=F'7'
         BNZ   SPCHK8
         LA    1,8(,6)
         C     1,ESIZE(9)
         BH    SPCHK8
*        initiate the command at R6
SCHAIN   BAL   14,FETCCW
         LTR   15,15
         BNZ   SCONCL0
         SR    0,0
         IC    0,CCWBUF
         N     0,=F'15'
         C     0,=F'8'
         BNE   SNOTIC
         CLI   FIRST,1                 TIC first: program check
         BE    SPCHK8
         ST    6,TICADDR
         L     6,CCWBUF
         N     6,=A(X'FFFFFF')
         BAL   14,FETCCW
         LTR   15,15
         BZ    STIC2
         L     1,TICADDR
         LA    1,8(,1)
         B     SCONCL0
STIC2    SR    0,0
         IC    0,CCWBUF
         N     0,=F'15'
         C     0,=F'8'
         BE    SPCHK8                  TIC to TIC
SNOTIC   TM    CCWBUF+4,X'03'
         BNZ   SPCHK8
         SR    0,0
         IC    0,CCWBUF
         N     0,=F'15'
         BZ    SPCHK8                  invalid command
         CLC   CCWBUF+6(2),=H'0'
         BE    SPCHK8                  count zero
         TM    CCWBUF+4,X'04'          indirect data addressing: no
         BNZ   UNSUPP
         SR    4,4
         IC    4,CCWBUF                R4: the command
         SR    7,7
         ICM   7,3,CCWBUF+6            R7: the count
         L     8,CCWBUF
         N     8,=A(X'FFFFFF')         R8: the data address
         C     4,=F'4'
         BE    SSENSE
         MVI   DSENSE(5),0
         C     4,=F'3'
         BE    SNOOP
         CLI   DTYPE(5),1
         BNE   SPRT
*        the reader
         LR    0,4
         N     0,=F'63'
         C     0,=F'2'
         BNE   SREJ
         L     1,ENEXT(9)
         C     1,ENCARDS(9)
         BNL   SEOF
         LA    0,1(,1)
         ST    0,ENEXT(9)
         M     0,=F'80'
         A     1,ECARDS(9)
         LA    2,80
         LA    3,X'0C'
         B     SINPUT
SEOF     SR    2,2
         LA    3,X'0D'                 unit exception
         B     SINPUT
SSENSE   LA    1,DSENSE(,5)
         LA    2,1
         LA    3,X'0C'
         MVC   SENSEB(1),DSENSE(5)
         MVI   DSENSE(5),0
         LA    1,SENSEB
         B     SINPUT
SNOOP    LA    3,X'0C'
         B     SIMMED
SREJ     MVI   DSENSE(5),X'80'         command reject
         LA    1,8(,6)
         LA    2,X'0200'               unit check
         LR    3,7
         B     SCONCL
*        the printer
SPRT     LR    0,4
         SRL   0,3
         N     0,=F'15'                R0: channel of a skip
         TM    CCWBUF,X'80'
         BO    SPRTSK
         TM    CCWBUF,X'60'
         BNZ   SREJ
         B     SPRTV
SPRTSK   LTR   0,0
         BZ    SREJ
         C     0,=F'12'
         BH    SREJ
SPRTV    LR    0,4
         N     0,=F'7'
         C     0,=F'1'
         BE    SWRITE
         C     0,=F'3'
         BNE   SREJ
         TM    CCWBUF,X'98'
         BZ    SREJ
         TM    CCWBUF,X'80'
         BO    SPRTC
         TM    CCWBUF,X'18'
         BZ    SREJ
SPRTC    BAL   14,CARRIAGE
         LR    3,2
         B     SIMMED
*        an immediate command (R3 its status)
SIMMED   TM    CCWBUF+4,X'40'
         BZ    SIMMED1
         TM    CCWBUF+4,X'80'          CD: no command chaining
         BO    SIMMED1
         LR    0,3
         N     0,=F'191'
         C     0,=F'12'
         BNE   SIMMED1
         LA    1,10
         BAL   14,ADDTIME
         ST    7,HTRES                 its ending, if a halt comes
         BAL   14,HTREC
         LA    6,8(,6)
         LR    0,3
         N     0,=F'64'
         BZ    SNEXT
         LA    6,8(,6)                 status modifier: skip one
SNEXT    MVI   FIRST,0
         B     SCHAIN
SIMMED1  LA    1,8(,6)
         LR    2,3
         SLL   2,8
         LR    3,7
         B     SCONCL
*        input of R2 bytes at host R1, unit status R3
SINPUT   ST    3,UNIT
         ST    1,DPTR
         ST    2,DLEN
         MVC   DDIR(4),=F'1'           into the guest, exact
         BAL   14,SDATA
         B     SEND
*        a write on the printer (R4 the command)
SWRITE   MVC   DLEN(4),=F'132'         up to 132 bytes, not exact
         LA    1,XBUF
         ST    1,DPTR
         XC    DDIR(4),DDIR
         BAL   14,SDATA
         CLC   CHAN(4),=F'0'
         BE    SWR1
         CLI   CHAN+3,X'40'
         BNE   SEND                    a check: the device does nothing
SWR1     BAL   14,GPRINT
         BAL   14,CARRIAGE
         ST    2,UNIT
*        the command ends: time, chaining or the final status
SEND     L     1,USED                  10 us a CCW, 1 us a byte
         M     0,=F'10'
         A     1,MOVED
         BAL   14,ADDTIME
         TM    CCWBUF+4,X'40'
         BZ    SFINAL
         L     0,UNIT
         N     0,=F'191'
         C     0,=F'12'
         BNE   SFINAL
         CLC   CHAN(4),=F'0'
         BNE   SFINAL
         MVC   HTRES(4),RESID          its ending, if a halt comes
         BAL   14,HTREC
         LA    6,8(,6)
         TM    UNIT+3,X'40'
         BZ    SNEXT
         LA    6,8(,6)
         B     SNEXT
SFINAL   LA    1,8(,6)
         L     2,UNIT
         SLL   2,8
         O     2,CHAN
         L     3,RESID                 residual count
         BAL   14,MKCSW
         MVC   DCSW(8,5),CSWTMP
         MVC   DTIME(8,5),STIME
         MVC   DSTATE(4,5),=F'1'
         B     CC0
*
* SDATA: the data transfer of the command whose CCW is at R6 (CCWBUF,
* R7 its count, R8 its data address) through its data chain: DLEN
* bytes from host DPTR into the guest (DDIR 1: input, exact: the
* SKIP flag stores nothing) or from the guest to host DPTR (DDIR 0:
* output, not exact).  Then MOVED bytes moved, USED CCWs, RESID the
* residual count, CHAN 0, incorrect length or a check (with UNIT
* channel end and device end, no command chaining); R6, CCWBUF, R7,
* R8 the last CCW, as the channel's _data_chain.
SDATA    ST    14,SDSAVE
         XC    MOVED(4),MOVED
         MVC   USED(4),=F'1'
         XC    CHAN(4),CHAN
         XC    RESID(4),RESID
SDLOOP   L     3,DLEN                  n = min(count, length - moved)
         S     3,MOVED
         CR    3,7
         BNH   SD1
         LR    3,7
SD1      ST    3,NTHIS
         LTR   3,3
         BZ    SD3
         CLI   DDIR+3,1
         BNE   SD2
         TM    CCWBUF+4,X'10'          skip: nothing stored
         BO    SD3
SD2      L     1,DPTR
         A     1,MOVED
         L     0,DDIR
         BAL   14,XFER
         LTR   15,15
         BNZ   SDCHK
SD3      L     3,NTHIS
         A     3,MOVED
         ST    3,MOVED
         C     7,NTHIS
         BNH   SD4
         L     3,NTHIS                 the data ended before the count
         LR    0,7
         SR    0,3
         ST    0,RESID
         TM    CCWBUF+4,X'80'
         BO    SDIL
         TM    CCWBUF+4,X'20'
         BZ    SDIL
         B     SDDONE
SD4      TM    CCWBUF+4,X'80'          the chain ends here
         BO    SDNEXT
         CLI   DDIR+3,1
         BNE   SDDONE
         CLC   MOVED(4),DLEN
         BNL   SDDONE
         TM    CCWBUF+4,X'20'
         BO    SDDONE
SDIL     MVI   CHAN+3,X'40'            incorrect length
         B     SDDONE
SDNEXT   LA    6,8(,6)                 data chaining: the next CCW
         BAL   14,FETCCW
         LTR   15,15
         BNZ   SDCCWX
         SR    0,0
         IC    0,CCWBUF
         N     0,=F'15'
         C     0,=F'8'
         BNE   SDN1
         ST    6,TICADDR               a TIC
         L     6,CCWBUF
         N     6,=A(X'FFFFFF')
         BAL   14,FETCCW
         LTR   15,15
         BZ    SDN0
         L     1,TICADDR
         LA    1,8(,1)
         B     SDCCWX
SDN0     SR    0,0
         IC    0,CCWBUF
         N     0,=F'15'
         C     0,=F'8'
         BE    SDPCHK                  TIC to TIC
SDN1     TM    CCWBUF+4,X'03'
         BNZ   SDPCHK
         CLC   CCWBUF+6(2),=H'0'
         BE    SDPCHK
         TM    CCWBUF+4,X'04'          IDA: not here
         BO    UNSUPP
         L     0,USED
         A     0,=F'1'
         ST    0,USED
         SR    7,7
         ICM   7,3,CCWBUF+6
         L     8,CCWBUF
         N     8,=A(X'FFFFFF')
         B     SDLOOP
SDPCHK   LA    1,8(,6)
         LA    15,X'20'
*        a check fetching it: the CSW address R1, status R15
SDCCWX   ST    15,CHAN
         LR    6,1
         SL    6,=F'8'
         B     SDCHK1
*        a check during the transfer (R15 the status, R3 done)
SDCHK    ST    15,CHAN
         LR    0,7                     count - done in this CCW
         SR    0,3
         ST    0,RESID
         A     3,MOVED
         ST    3,MOVED
SDCHK1   MVC   UNIT(4),=F'12'
         NI    CCWBUF+4,X'BF'          no command chaining
SDDONE   L     14,SDSAVE
         BR    14
*        program check found at initiation of the CCW at R6
SPCHK8   LA    1,8(,6)
         LA    2,X'20'
*        concluded at initiation: R1 CSW address, R2 status, R3 count
SCONCL0  SR    3,3
SCONCL   BAL   14,MKCSW
         CLI   FIRST,1
         BNE   SCPOST
         LA    1,X'40'                 START I/O: CC 1, CSW stored
         BAL   14,GREAL
         MVC   0(8,1),CSWTMP
         XC    DSTATE(4,5),DSTATE(5)
         B     CC1
SCPOST   MVC   DCSW(8,5),CSWTMP        chained: the interruption
         MVC   DTIME(8,5),STIME
         MVC   DSTATE(4,5),=F'1'
         B     CC0
*
*---------------------------------------------------------------------
* Wait state: when can an interruption end it?
*---------------------------------------------------------------------
WAITST   TM    SDPSW+1(9),X'08'
         BO    WEC
         TM    SDPSW(9),X'FE'          BC: I/O masks
         BNZ   WEN
         B     WEXT
WEC      TM    SDPSW(9),X'02'          EC: the I/O mask
         BNZ   WEN
WEXT     TM    SDPSW(9),X'01'
         BO    WEN
         LA    0,1                     disabled wait
         B     ENDG
WEN      MVC   WVSAVE(1),SDV(9)        an I/O interruption it is
         SR    4,4                     enabled for, pending now: it
         LA    6,EDEVR(,9)             ends the wait at once (no time
         BAL   14,IOPCHK               passes, as the machine takes it
         LA    6,EDEVP(,9)             before the wait)
         BAL   14,IOPCHK
         LTR   4,4
         BNZ   DISP
         MVC   SDV(1,9),WVSAVE
         BAL   14,NEXTEV
         CLC   WENDS(8),=8X'FF'
         BNE   WEND1
         LA    0,2                     nothing can end it
         B     ENDG
WEND1    LM    0,1,SDELAP(9)           at least one microsecond
         AL    1,=F'1'
         BC    12,*+8
         AL    0,=F'1'
         BAL   14,WMAX
         LM    0,1,WENDS               delta = ends - elapsed
         SL    1,SDELAP+4(9)
         BC    3,*+8
         SL    0,=F'1'
         SL    0,SDELAP(9)
         SLDL  0,12
         STM   0,1,WSTEPS
         LM    0,1,SDCPUT(9)           the CPU timer runs down
         SL    1,WSTEPS+4
         BC    3,*+8
         SL    0,=F'1'
         SL    0,WSTEPS
         STM   0,1,SDCPUT(9)
         MVC   SDELAP(8,9),WENDS
         B     DISP
*
* NEXTEV: WENDS, the guest time at which an interruption the guest of
* R9 is enabled for can occur (its elapsed time when one is pending
* now), as cpu.py's _wait_ends_at computes it; all ones: never
NEXTEV   ST    14,NEXSAVE
         MVC   WENDS(8),=8X'FF'        none yet
         TM    SDPSW(9),X'01'
         BZ    WIO
         L     0,SDCR(9)
         ST    0,WCR0
*        the CPU timer
         TM    WCR0+2,X'04'
         BZ    WCKC
         LM    0,1,SDELAP(9)
         TM    SDCPUT(9),X'80'         negative: pending now
         BO    WCPU1
         LM    0,1,SDCPUT(9)
         SRDL  0,12
         AL    1,=F'1'
         BC    12,*+8
         AL    0,=F'1'
         AL    1,SDELAP+4(9)
         BC    12,*+8
         AL    0,=F'1'
         AL    0,SDELAP(9)
WCPU1    BAL   14,WMIN
*        the clock comparator
WCKC     TM    WCR0+2,X'08'
         BZ    WITIM
         LM    0,1,SDELAP(9)
         SLDL  0,12                    the guest's TOD
         AL    1,ETODOFF+4(9)
         BC    12,*+8
         AL    0,=F'1'
         AL    0,ETODOFF(9)
         STM   0,1,WTOD
         CLC   SDCKC(8,9),WTOD
         BNL   WCKC0
         LM    0,1,SDELAP(9)           TOD beyond it: pending now
         BAL   14,WMIN
         B     WITIM
WCKC0    XC    WDIFF(8),WDIFF
         CLC   SDCKC(8,9),WTOD
         BNH   WCKC1
         LM    0,1,SDCKC(9)
         SL    1,WTOD+4
         BC    3,*+8
         SL    0,=F'1'
         SL    0,WTOD
         STM   0,1,WDIFF
WCKC1    LM    0,1,WDIFF
         SRDL  0,12
         AL    1,=F'1'                 steps
         BC    12,*+8
         AL    0,=F'1'
         STM   0,1,WSTEPS
         SLDL  0,12
         AL    1,WTOD+4                tod + steps * 4096: no wrap?
         BC    12,WCKC2
         AL    0,=F'1'
         BC    12,WCKC2
         B     WITIM
WCKC2    AL    0,WTOD
         BC    3,WITIM                 beyond the clock: never
         LM    0,1,WSTEPS
         AL    1,SDELAP+4(9)
         BC    12,*+8
         AL    0,=F'1'
         AL    0,SDELAP(9)
         BAL   14,WMIN
*        the interval timer
WITIM    TM    WCR0+3,X'80'
         BZ    WIO
         LM    0,1,SDELAP(9)
         TM    1(9),X'80'              pending now (SD state)
         BO    WIT2
         LA    1,X'50'
         BAL   14,GREAL
         L     2,0(,1)                 u
         SR    3,3                     ticks
         LTR   2,2
         BNM   WIT1
         LR    3,2
         SL    3,=X'80000000'
         SRL   3,8
         LA    3,1(,3)                 n
         LR    0,3
         SLL   0,8
         SLR   2,0
WIT1     SRL   2,8
         LA    2,1(2,3)
         A     2,SDISTEP+4(9)          the tick
         LR    1,2
         M     0,=F'1000000'
         AL    1,=F'299'
         BC    12,*+8
         AL    0,=F'1'
         D     0,=F'300'
         SR    0,0
WIT2     BAL   14,WMIN
*        the I/O completions
WIO      LA    5,EDEVR(,9)
         BAL   14,WIODEV
         LA    5,EDEVP(,9)
         BAL   14,WIODEV
         L     14,NEXSAVE
         BR    14
WIODEV   CLC   DSTATE(4,5),=F'0'
         BER   14
         CLC   DTIME(8,5),SDELAP(9)
         BNH   WIOPEND
         TM    SDPSW(9),X'FE'          working: its end, as an event
         BZR   14
         LM    0,1,DTIME(5)
         B     WMIN
WIOPEND  ST    14,WIOSAVE              pending: now, if enabled
         SR    1,1
         ICM   1,3,DCUU(5)
         SRL   1,8
         BAL   14,IOENAB
         L     14,WIOSAVE
         LTR   15,15
         BNZR  14
         LM    0,1,SDELAP(9)
*        WENDS = min(WENDS, R0:R1)
WMIN     STM   0,1,WCAND
         CLC   WCAND(8),WENDS
         BNLR  14
         MVC   WENDS(8),WCAND
         BR    14
*        WENDS = max(WENDS, R0:R1)
WMAX     STM   0,1,WCAND
         CLC   WCAND(8),WENDS
         BNHR  14
         MVC   WENDS(8),WCAND
         BR    14
*
*---------------------------------------------------------------------
* Subroutines
*---------------------------------------------------------------------
* IOPEND: present the guest's pending I/O interruptions it is enabled
* for (oldest first), the V X'02' request for the others; R2: the
* guest instructions to its next I/O completion, at most a slice.
IOPEND   ST    14,IOPSAVE
IOP0     NI    SDV(9),X'FD'
         SR    4,4                     the best so far
         LA    6,EDEVR(,9)
         BAL   14,IOPCHK
         LA    6,EDEVP(,9)
         BAL   14,IOPCHK
         LTR   4,4
         BZ    IOP1
         LR    5,4
         BAL   14,PRESIO
         B     IOP0
IOP1     L     2,=A(SLICE)
         LA    6,EDEVR(,9)
         BAL   14,IOPNEXT
         LA    6,EDEVP(,9)
         BAL   14,IOPNEXT
         L     14,IOPSAVE
         BR    14
IOPNEXT  CLC   DSTATE(4,6),=F'0'
         BER   14
         CLC   DTIME(8,6),SDELAP(9)
         BNHR  14
         L     0,DTIME+4(6)
         S     0,SDELAP+4(9)
         CR    0,2
         BNLR  14
         LR    2,0
         BR    14
IOPCHK   CLC   DSTATE(4,6),=F'0'
         BER   14
         CLC   DTIME(8,6),SDELAP(9)
         BHR   14                      still working
         ST    14,IOCSAVE
         SR    1,1
         ICM   1,3,DCUU(6)
         SRL   1,8
         BAL   14,IOENAB
         L     14,IOCSAVE
         LTR   15,15
         BZ    IOPCHK1
         OI    SDV(9),X'02'            not enabled: the request
         BR    14
IOPCHK1  LTR   4,4
         BZ    IOPBEST
         CLC   DTIME(8,6),DTIME(4)
         BL    IOPBEST
         BHR   14
         CLC   DCUU(2,6),DCUU(4)
         BNLR  14
IOPBEST  LR    4,6
         BR    14
*
* IOENAB: R15 = 0 when the guest is enabled for I/O of channel R1
IOENAB   TM    SDPSW+1(9),X'08'
         BO    IOEEC
         C     1,=F'6'
         BNL   IOEEC
         LA    15,X'80'
         SRL   15,0(1)
         STC   15,TMPB
         NC    TMPB(1),SDPSW(9)
         CLI   TMPB,0
         BE    IOENO
         SR    15,15
         BR    14
IOEEC    TM    SDPSW(9),X'02'
         BZ    IOENO
         C     1,=F'32'
         BNL   IOENO
         L     15,=X'80000000'
         SRL   15,0(1)
         N     15,SDCR+8(9)
         BZ    IOENO
         SR    15,15
         BR    14
IOENO    LA    15,4
         BR    14
*
* PRESIO: present the I/O interruption of the device at R5
PRESIO   ST    14,PIOSAVE
         LA    1,X'40'
         BAL   14,GREAL
         MVC   0(8,1),DCSW(5)
         MVC   OLDPSW(8),SDPSW(9)
         TM    SDPSW+1(9),X'08'
         BO    PIOEC
         MVC   OLDPSW+2(2),DCUU(5)
         NI    OLDPSW+4,X'3F'
         B     PIOSW
PIOEC    LA    1,X'BA'
         BAL   14,GREAL
         MVC   0(2,1),DCUU(5)
PIOSW    XC    DSTATE(4,5),DSTATE(5)
         LA    1,X'38'
         LA    2,X'78'
         BAL   14,SWAP
         L     14,PIOSAVE
         BR    14
*
* PRESPGM: present a program interruption, code R2, ILC R3
PRESPGM  ST    14,PPSAVE
         MVC   OLDPSW(8),SDPSW(9)
         TM    SDPSW+1(9),X'08'
         BO    PPEC
         STH   2,OLDPSW+2
         SLL   3,6
         SR    0,0
         IC    0,OLDPSW+4
         N     0,=F'63'
         OR    0,3
         STC   0,OLDPSW+4
         B     PPSW
PPEC     LA    1,X'8C'
         BAL   14,GREAL
         SLL   3,17
         OR    3,2
         ST    3,0(,1)
PPSW     LA    1,X'28'
         LA    2,X'68'
         BAL   14,SWAP
         L     14,PPSAVE
         BR    14
*
* SWAP: OLDPSW to guest real R1, the PSW from guest real R2
SWAP     ST    14,SWSAVE
         BAL   14,GREAL
         MVC   0(8,1),OLDPSW
         LR    1,2
         BAL   14,GREAL
         MVC   SDPSW(8,9),0(1)
         L     0,SDCHAIN(9)
         A     0,=F'1'
         ST    0,SDCHAIN(9)
         L     14,SWSAVE
         BR    14
*
* GREAL: R1 guest real address -> R1 host address (R0, R15 used)
GREAL    L     0,SDPREF(9)
         N     0,=A(X'FFF000')
         LR    15,1
         N     15,=A(X'FFF000')
         BNZ   GREAL1
         AR    1,0
         B     GREAL2
GREAL1   CR    15,0
         BNE   GREAL2
         N     1,=F'4095'
GREAL2   A     1,SDORIG(9)
         BR    14
*
* OPADDR: R1 the second-operand address of the intercepted S/RS
OPADDR   SR    1,1
         ICM   1,3,SDIPB(9)
         LR    2,1
         SRL   2,12
         N     1,=F'4095'
         LTR   2,2
         BZR   14
         SLL   2,2
         A     1,GSAVE(2,9)
         N     1,=A(X'FFFFFF')
         BR    14
*
* FINDDEV: R5 the device of I/O address R1 (0: none)
FINDDEV  N     1,=A(X'FFFF')
         LA    5,EDEVR(,9)
         CH    1,DCUU(5)
         BER   14
         LA    5,EDEVP(,9)
         CH    1,DCUU(5)
         BER   14
         SR    5,5
         BR    14
*
* CHANOK: R15 = 0 when channel R1 has one of the guest's devices
CHANOK   SR    15,15
         ICM   15,3,EDEVR+DCUU(9)
         SRL   15,8
         CR    15,1
         BE    CHANOK1
         SR    15,15
         ICM   15,3,EDEVP+DCUU(9)
         SRL   15,8
         CR    15,1
         BE    CHANOK1
         LA    15,4
         BR    14
CHANOK1  SR    15,15
         BR    14
*
* DEVST: the device at R5 as an intercepted instruction sees it:
* R15 0 available, 1 working, 2 interruption pending
DEVST    SR    15,15
         CLC   DSTATE(4,5),=F'0'
         BER   14
         LA    15,1
         CLC   DTIME(8,5),SDELAP(9)
         BNLR  14
         LA    15,2
         BR    14
*
* SETCC: the guest's condition code R2
SETCC    SLL   2,4
         STC   2,TMPB
         TM    SDPSW+1(9),X'08'
         BO    SETCCEC
         NI    SDPSW+4(9),X'CF'
         OC    SDPSW+4(1,9),TMPB
         BR    14
SETCCEC  NI    SDPSW+2(9),X'CF'
         OC    SDPSW+2(1,9),TMPB
         BR    14
*
* ADDTIME: STIME += R1 microseconds
ADDTIME  L     15,STIME+4
         ALR   15,1
         ST    15,STIME+4
         BCR   12,14
         L     15,STIME
         AL    15,=F'1'
         ST    15,STIME
         BR    14
*
* MKCSW: CSWTMP from the key (device R5), R1 the CCW address + 8,
* R2 the status (unit, channel), R3 the count
MKCSW    L     0,DKEY(5)
         SLL   0,28
         N     1,=A(X'FFFFFF')
         OR    0,1
         ST    0,CSWTMP
         SLL   2,16
         N     3,=A(X'FFFF')
         OR    2,3
         ST    2,CSWTMP+4
         BR    14
*
* The halt table of a device: the commands of its chain that end
* before its last one (command chaining), as START I/O carried them
* out: for each its end time and the CSW a HALT I/O or CLEAR I/O
* while it is under way presents (8 guests, 2 devices, 256 bytes
* each: +0 the number of commands, at most 15, +16 the commands,
* 16 bytes each: end time, CSW).
* HTADDR: R1 the table of the device at R5 (R0 used)
HTADDR   LR    1,5
         S     1,=A(GENTRY0+EDEVR)
         LR    0,1
         N     1,=A(X'FFFE00')
         N     0,=F'32'
         SLL   0,3
         AR    1,0
         A     1,=A(HALTTAB)
         BR    14
* HTREC: the command at R6 ends at STIME and chains; HTRES its residual
HTREC    STM   0,3,HTREGS
         ST    14,HTSAVE
         LA    1,8(,6)
         LA    2,X'0C00'               channel end, device end
         L     3,HTRES
         BAL   14,MKCSW
         BAL   14,HTADDR
         L     2,0(,1)
         C     2,=F'15'
         BNL   HTREC1
         LA    0,1(,2)
         ST    0,0(,1)
         SLL   2,4
         AR    1,2
         MVC   16(8,1),STIME
         MVC   24(8,1),CSWTMP
HTREC1   L     14,HTSAVE
         LM    0,3,HTREGS
         BR    14
* HTFIND: R1 the CSW of the command under way now (the first that
* ends at or after the guest's elapsed time), 0 when it is the last
HTFIND   ST    14,HTSAVE
         BAL   14,HTADDR
         L     2,0(,1)
         LA    1,16(,1)
HTF1     LTR   2,2
         BZ    HTF0
         CLC   0(8,1),SDELAP(9)
         BNL   HTF2
         LA    1,16(,1)
         BCTR  2,0
         B     HTF1
HTF0     SR    1,1
         B     HTF3
HTF2     LA    1,8(,1)
HTF3     L     14,HTSAVE
         BR    14
*
* FETCCW: CCWBUF from guest absolute R6; R15 = 0, or on a check R15
* the channel status and R1 the CSW address (R6 + 8), R2 as R15
FETCCW   ST    14,FCSAVE
         LR    1,6
         N     1,=F'7'
         BNZ   FCPCHK
         LA    1,8(,6)
         C     1,ESIZE(9)
         BH    FCPCHK
         LR    1,6
         SR    2,2
         BAL   14,PROTCHK
         LTR   15,15
         BNZ   FCPROT
         L     1,SDORIG(9)
         AR    1,6
         MVC   CCWBUF(8),0(1)
         SR    15,15
         L     14,FCSAVE
         BR    14
FCPCHK   LA    2,X'20'
         B     FCERR
FCPROT   LA    2,X'10'
FCERR    LA    1,8(,6)
         LR    15,2
         L     14,FCSAVE
         BR    14
*
* PROTCHK: R15 = 0 when the CAW key (device R5) may store (R2 1) or
* fetch (R2 0) at guest absolute R1
PROTCHK  SR    15,15
         L     0,DKEY(5)
         LTR   0,0
         BZR   14
         L     15,SDORIG(9)
         AR    15,1
         N     15,=A(X'FFF800')        the 2K block (ISK: bits 28-31 zero)
         ISK   15,15
         N     15,=F'255'
         STC   15,TMPB
         SLL   0,4
         N     15,=F'240'
         CR    15,0
         BE    PROK
         LTR   2,2
         BNZ   PRBAD
         TM    TMPB,X'08'
         BO    PRBAD
PROK     SR    15,15
         BR    14
PRBAD    LA    15,4
         BR    14
*
* XFER: move R3 bytes between host R1 and guest absolute R8 (R0 1:
* into the guest, 0: from it, to host R1), block by block with the
* checks; R15 0, or the channel status and R3 the bytes moved
XFER     ST    14,XFSAVE
         STM   1,2,XFREGS
         ST    3,XFLEN
         ST    0,XFDIR
         SR    3,3                     done
XF1      C     3,XFLEN
         BNL   XFOK
         LR    1,8
         AR    1,3                     guest address of this piece
         C     1,ESIZE(9)
         BNL   XFPCHK
         LR    0,1
         N     0,=F'2047'
         L     15,=F'2048'
         SR    15,0                    to the end of its block
         L     0,XFLEN
         SR    0,3
         CR    15,0
         BNH   XF2
         LR    15,0
XF2      ST    15,XFPIECE
         L     2,XFDIR
         BAL   14,PROTCHK
         LTR   15,15
         BNZ   XFPROT
         A     1,SDORIG(9)             host address in the guest
         L     15,XFPIECE
         BCTR  15,0
         L     2,XFREGS                host address of the data
         AR    2,3
         CLI   XFDIR+3,1
         BNE   XF3
         EX    15,MVCIN
         B     XF4
XF3      EX    15,MVCOUT
XF4      A     3,XFPIECE
         B     XF1
XFOK     SR    15,15
         B     XFRET
XFPCHK   LA    15,X'20'
         B     XFRET
XFPROT   LA    15,X'10'
XFRET    LM    1,2,XFREGS
         L     14,XFSAVE
         BR    14
MVCIN    MVC   0(0,1),0(2)
MVCOUT   MVC   0(0,2),0(1)
*
* GPRINT: print the guest's line (MOVED bytes in XBUF)
GPRINT   ST    14,GPSAVE
         MVC   PLINE(8),ENAME(9)
         L     1,MOVED
         LTR   1,1
         BZ    GPR2
         C     1,=F'123'
         BNH   GPR1
         LA    1,123
GPR1     BCTR  1,0
         EX    1,MVCLINE
GPR2     BAL   14,PRINT
         L     14,GPSAVE
         BR    14
MVCLINE  MVC   PLINE+9(0),XBUF
*
* CARRIAGE: the carriage control of printer command R4; R2 the status
CARRIAGE LA    2,X'0C'
         LR    0,4
         SRL   0,3
         TM    CCWBUF,X'80'
         BZ    CARSP
         N     0,=F'15'                skip to channel R0
         AR    0,0
         LR    1,0
         LH    1,FCB(1)
         ST    1,EPLINE(9)
         BR    14
CARSP    N     0,=F'3'                 space R0 lines
         BZR   14
         L     1,EPLINE(9)
CARSP1   LA    1,1(,1)
         C     1,=F'66'
         BNH   CARSP2
         LA    1,1
CARSP2   C     1,=F'61'
         BNE   CARSP3
         LA    2,X'0D'                 onto channel 12: unit exception
CARSP3   BCT   0,CARSP1
         ST    1,EPLINE(9)
         BR    14
*
* NEXTCARD: the next card of the deck (R3, R4, R8)
NEXTCARD LA    3,80(,3)
         LA    4,1(,4)
         BCTR  8,0
         LTR   8,8
         BZ    BADEND
         BR    14
*
* DECNUM: R0 the decimal number of R2 digits at R1; R15 4 if bad
DECNUM   SR    0,0
DECN1    CLI   0(1),C'0'
         BL    DECBAD
         CLI   0(1),C'9'
         BH    DECBAD
         MH    0,=H'10'
         SR    15,15
         IC    15,0(,1)
         N     15,=F'15'
         AR    0,15
         LA    1,1(,1)
         BCT   2,DECN1
         SR    15,15
         BR    14
DECBAD   LA    15,4
         BR    14
*
* HEXNUM: R0 the hexadecimal number of R2 digits at R1; R15 4 if bad
HEXNUM   SR    0,0
HEXN1    SR    15,15
         IC    15,0(,1)
         SLL   0,4
         CLI   0(1),C'0'
         BL    HEXAF
         CLI   0(1),C'9'
         BH    HEXBAD
         N     15,=F'15'
         B     HEXADD
HEXAF    CLI   0(1),C'A'
         BL    HEXBAD
         CLI   0(1),C'F'
         BH    HEXBAD
         N     15,=F'15'
         LA    15,9(,15)
HEXADD   AR    0,15
         LA    1,1(,1)
         BCT   2,HEXN1
         SR    15,15
         BR    14
HEXBAD   LA    15,4
         BR    14
*
* DOIO: START I/O on device R2 (CAW set) and wait for its end: the CSW
* at 64; R15 3 when the device is not operational.  The wait is an
* enabled wait for the device's I/O interruption (channel 0, where
* minivm's devices are), whose new PSW returns here disabled: minivm
* waits as a control program does, without polling the device.
DOIO     SIO   0(2)
         BC    8,DOIOW
         BC    4,DOIOR
         BC    2,DOIO
         LA    15,3
         BR    14
DOIOW    MVC   X'78'(8,0),DOIONEW      I/O new PSW: at DOIOR, disabled
         LPSW  DOIOWT                  wait for the I/O interruption
DOIOR    SR    15,15
         BR    14
         DS    0D
DOIONEW  DC    X'00000000',A(DOIOR)    BC mode, disabled, key 0
DOIOWT   DC    X'80020000',A(0)        BC mode, channel 0 enabled, wait
*
* PRINT: PLINE on minivm's printer (write, space 1), then blanks
PRINT    ST    14,PRSAVE
         LA    1,PRCCW
         ST    1,X'48'
         LA    2,X'00E'
         BAL   14,DOIO
         MVI   PLINE,C' '
         MVC   PLINE+1(131),PLINE
         L     14,PRSAVE
         BR    14
*
* HEXOUT: R2 bytes at R1 as hexadecimal at R3
HEXOUT   SR    15,15
         IC    15,0(,1)
         SRL   15,4
         IC    15,HEXTAB(15)
         STC   15,0(,3)
         IC    15,0(,1)
         N     15,=F'15'
         IC    15,HEXTAB(15)
         STC   15,1(,3)
         LA    1,1(,1)
         LA    3,2(,3)
         BCT   2,HEXOUT
         BR    14
*
* DECOUT: R0 as 10 decimal digits at R3
DECOUT   CVD   0,DWORK
         UNPK  0(10,3),DWORK+2(6)
         OI    9(3),X'F0'
         BR    14
*
*---------------------------------------------------------------------
* Bad input: one line and a disabled wait
*---------------------------------------------------------------------
BADCTL   LA    1,MSGCTL
         LA    2,X'C2'
         B     BADDECK
BADOBJ   LA    1,MSGOBJ
         LA    2,X'C4'
         B     BADDECK
BADCNT   LA    1,MSGCNT
         LA    2,X'C6'
         B     BADDECK
BADCNTE  LA    1,MSGCNTE
         LA    2,X'C6'
         B     BADDECK
BADEND   LA    1,MSGEND
         LA    2,X'C8'
         B     BADDECK
BADREAD  LA    4,1(,4)
         LA    1,MSGREAD
         LA    2,X'CA'
         B     BADDECK
BADMANY  LA    1,MSGMANY
         LA    2,X'CC'
         B     BADDECK
BADNONE  LA    1,MSGNONE
         LA    2,X'CC'
         B     BADDECK
BADSTOR  CLI   PARSING,1
         BE    BADSTOR1
         LA    4,1(,4)
         LA    1,MSGREAD
         LA    2,X'CA'
         B     BADDECK
BADSTOR1 LA    1,MSGSTOR
         LA    2,X'CE'
BADDECK  A     2,=A(X'DE00')
         ST    2,DECKPSW+4
         MVC   PLINE(26),=C'MINIVM   BAD DECK CARD    '
         LR    0,4
         CVD   0,DWORK
         UNPK  PLINE+23(5),DWORK+5(3)
         OI    PLINE+27,X'F0'
         MVI   PLINE+28,C':'
         MVC   PLINE+30(40),0(1)
         BAL   14,PRINT
         LPSW  DECKPSW
*
*---------------------------------------------------------------------
* 5. The end: a line per guest, then the disabled wait
*---------------------------------------------------------------------
FINISH   L     9,=A(GENTRY0)
         L     6,NGUESTS
FIN1     MVC   PLINE(9),=C'MINIVM   '
         MVC   PLINE+9(8),ENAME(9)
         L     1,EREASON(9)
         SLL   1,3
         LA    1,HOWS(1)
         MVC   PLINE+18(8),0(1)
         MVC   PLINE+27(4),=C'PSW '
         LA    1,SDPSW(,9)
         LA    2,4
         LA    3,PLINE+31
         BAL   14,HEXOUT
         LA    1,SDPSW+4(,9)
         LA    2,4
         LA    3,PLINE+40
         BAL   14,HEXOUT
         MVC   PLINE+49(13),=C'INSTRUCTIONS '
         L     0,SDINSTR+4(9)
         LA    3,PLINE+62
         BAL   14,DECOUT
         MVC   PLINE+73(14),=C'INTERCEPTIONS '
         L     0,EICOUNT(9)
         LA    3,PLINE+87
         BAL   14,DECOUT
         MVC   PLINE+98(5),=C'CODE '
         LA    1,EDETAIL(,9)
         LA    2,2
         LA    3,PLINE+103
         BAL   14,HEXOUT
         BAL   14,PRINT
         LA    9,ESIZEOF(,9)
         BCT   6,FIN1
         LPSW  ENDPSW
*
*---------------------------------------------------------------------
* Data
*---------------------------------------------------------------------
         DS    0D
ENDPSW   DC    X'00020000',A(0)
DECKPSW  DC    X'00020000',A(0)
CPUID    DC    X'0000000130330000'
STCKADJ  DC    A(0),A(KSTCK*4096)
TIMERV   DS    D
SHSAVE   DS    3D
SIEKEEP  DS    3F
EBASE    DS    D
SIEX     DS    D
SIEEPIN  DS    D
CURENT   DC    F'0'
HOSTTOD  DS    D
STIME    DS    D
OLDPSW   DS    D
CSWTMP   DS    D
CCWBUF   DS    D
DWORK    DS    D
WENDS    DS    D
WCAND    DS    D
WTOD     DS    D
WDIFF    DS    D
WSTEPS   DS    D
RDCCW    DC    X'02',AL3(0),X'20',X'00',AL2(80)
PRCCW    DC    X'09',AL3(PLINE),X'20',X'00',AL2(132)
CR0VAL   DC    A(X'00000400')
NCARDS   DC    F'0'
DECKEND  DC    F'0'
FREE     DC    F'0'
NGUESTS  DC    F'0'
GLIMIT   DC    F'0'
WCR0     DC    F'0'
UNIT     DC    F'0'
CHAN     DC    F'0'
MOVED    DC    F'0'
TICADDR  DC    F'0'
IOPSAVE  DC    F'0'
IOCSAVE  DC    F'0'
PIOSAVE  DC    F'0'
PPSAVE   DC    F'0'
SWSAVE   DC    F'0'
FCSAVE   DC    F'0'
NEXSAVE  DC    F'0'
WIOSAVE  DC    F'0'
TCHSAVE  DC    F'0'
XFSAVE   DC    F'0'
XFREGS   DC    2F'0'
XFLEN    DC    F'0'
DPTR     DC    F'0'
DLEN     DC    F'0'
DDIR     DC    F'0'
USED     DC    F'0'
RESID    DC    F'0'
NTHIS    DC    F'0'
SDSAVE   DC    F'0'
XFDIR    DC    F'0'
XFPIECE  DC    F'0'
GPSAVE   DC    F'0'
PRSAVE   DC    F'0'
FCB      DC    H'0,1,7,13,19,25,31,37,43,63,49,55,61'
FIRST    DC    X'00'
PARSING  DC    X'00'
TMPB     DC    X'00'
EXR1X2   DC    X'00'
SENSEB   DC    X'00'
WVSAVE   DC    X'00'
MVCTXT   MVC   0(0,1),16(3)
HEXTAB   DC    C'0123456789ABCDEF'
HOWS     DC    CL8'RUNNING',CL8'WAIT',CL8'IDLE',CL8'LOOP',CL8'VALIDITY'
         DC    CL8'UNSUPP',CL8'INTERCPT'
MSGCTL   DC    CL40'NOT A GOOD MINIVM GUEST CARD'
MSGOBJ   DC    CL40'NOT A GOOD OBJECT DECK CARD'
MSGCNT   DC    CL40'NOT A GOOD MINIVM CARDS CARD'
MSGCNTE  DC    CL40'MORE CARDS COUNTED THAN THE DECK HOLDS'
MSGEND   DC    CL40'THE DECK ENDS INSIDE A GUEST'
MSGREAD  DC    CL40'THE CARD CANNOT BE READ INTO STORAGE'
MSGMANY  DC    CL40'MORE THAN 8 GUESTS'
MSGNONE  DC    CL40'NO GUEST'
MSGSTOR  DC    CL40'THE GUEST DOES NOT FIT IN STORAGE'
PLINE    DC    CL132' '
         LTORG
XBUF     DS    CL132
HTREGS   DS    4F
HTRES    DS    F
HTSAVE   DS    F
         DS    0D
HALTTAB  DS    XL4096                  the halt tables (HTADDR)
         END
