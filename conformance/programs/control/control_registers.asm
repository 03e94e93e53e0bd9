* LOAD CONTROL and STORE CONTROL (LCTL, STCTL): reset values, ranges that wrap from CR15 to CR0.
* GA22-7000 ch.10. Only assigned bits are loaded (unassigned bits are model-dependent).
* COMPARE: 0-FFF
*
CONTROLR START 0
         DC    X'00000000',A(BEGIN)    restart new PSW (BC mode)
         ORG   CONTROLR+X'68'
         DC    X'00000000',A(PGMCHK)   program new PSW
         ORG   CONTROLR+X'200'
BEGIN    BALR  12,0
         USING *,12                    R12: base register
         LA    10,LOG                  R10: result log
         LA    13,PLOG                 R13: interruption log
         STCTL 0,15,SAVE1              the values after clear reset
         LCTL  8,8,MON                 monitor masks
         LCTL  14,1,FOUR               CR14, CR15, CR0, CR1
         LCTL  3,3,PKM                 PSW-key mask
         LCTL  9,11,PER                PER controls (the PSW's PER mask is off)
         STCTL 0,15,SAVE2
         STCTL 15,0,SAVE3              CR15 and CR0
         STCTL 5,5,SAVE3+8
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
MON      DC    X'0000A5A5'
FOUR     DC    X'C2000000',X'00000300',X'00800040',X'01002000'
PKM      DC    X'F0F00000'
PER      DC    X'E000FF00',X'00001000',X'00001FFF'
SAVE1    DS    16F
SAVE2    DS    16F
SAVE3    DS    4F
         DS    0D
DONE     DC    X'0002000000000000'       disabled wait
         LTORG
ENDCODE  EQU   *                       end of code, data and literals
         ORG   CONTROLR+X'A00'
LOG      DS    128F                    result log
         ORG   CONTROLR+X'C00'
PLOG     DS    64F                     interruption log
         END
