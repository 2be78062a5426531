//go:build amd64 && !purego

#include "textflag.h"

// Every result is formed by the same IEEE operations, in the same order, as
// the Go loops in kernels.go: each product rounded, then one add or subtract
// at a time (VADDSUBPD subtracts in the real lane and adds in the imaginary
// lane). No FMA is used, so the bits match the Go code on every platform.
// VPERMILPD $5 swaps real and imaginary parts of both complex numbers of a
// Y register ($1 for an X register).

// func kernAVX(x, y *complex128, n, step, blocks int, m *mat)
TEXT ·kernAVX(SB), NOSPLIT, $0-48
	MOVQ m+40(FP), AX
	VBROADCASTSD 0(AX), Y8   // ar
	VBROADCASTSD 8(AX), Y9   // ai
	VBROADCASTSD 16(AX), Y10 // br
	VBROADCASTSD 24(AX), Y11 // bi
	VBROADCASTSD 32(AX), Y12 // cr
	VBROADCASTSD 40(AX), Y13 // ci
	VBROADCASTSD 48(AX), Y14 // dr
	VBROADCASTSD 56(AX), Y15 // di
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ step+24(FP), R8
	SHLQ $4, R8
	MOVQ blocks+32(FP), R9

	// qubit 0: adjacent pairs (n = 1, step = 2, y = x+1), one loop
	CMPQ n+16(FP), $1
	JNE  kblock
	CMPQ R8, $32
	JNE  kblock
	LEAQ 16(SI), R10
	CMPQ R10, DI
	JNE  kblock

kadj:
	TESTQ     R9, R9
	JZ        kdone
	VMOVUPD   (SI), X0
	VMOVUPD   16(SI), X1
	VPERMILPD $1, X0, X2
	VPERMILPD $1, X1, X3
	VMULPD    X8, X0, X4
	VMULPD    X9, X2, X5
	VADDSUBPD X5, X4, X4
	VMULPD    X10, X1, X5
	VADDPD    X5, X4, X4
	VMULPD    X11, X3, X5
	VADDSUBPD X5, X4, X4
	VMULPD    X12, X0, X6
	VMULPD    X13, X2, X7
	VADDSUBPD X7, X6, X6
	VMULPD    X14, X1, X7
	VADDPD    X7, X6, X6
	VMULPD    X15, X3, X7
	VADDSUBPD X7, X6, X6
	VMOVUPD   X4, (SI)
	VMOVUPD   X6, 16(SI)
	ADDQ      $32, SI
	DECQ      R9
	JMP       kadj

kblock:
	TESTQ R9, R9
	JZ    kdone
	MOVQ  n+16(FP), CX
	MOVQ  SI, R10
	MOVQ  DI, R11

kpair2:
	CMPQ      CX, $2
	JLT       kpair1
	VMOVUPD   (R10), Y0
	VMOVUPD   (R11), Y1
	VPERMILPD $5, Y0, Y2
	VPERMILPD $5, Y1, Y3
	VMULPD    Y8, Y0, Y4
	VMULPD    Y9, Y2, Y5
	VADDSUBPD Y5, Y4, Y4
	VMULPD    Y10, Y1, Y5
	VADDPD    Y5, Y4, Y4
	VMULPD    Y11, Y3, Y5
	VADDSUBPD Y5, Y4, Y4
	VMULPD    Y12, Y0, Y6
	VMULPD    Y13, Y2, Y7
	VADDSUBPD Y7, Y6, Y6
	VMULPD    Y14, Y1, Y7
	VADDPD    Y7, Y6, Y6
	VMULPD    Y15, Y3, Y7
	VADDSUBPD Y7, Y6, Y6
	VMOVUPD   Y4, (R10)
	VMOVUPD   Y6, (R11)
	ADDQ      $32, R10
	ADDQ      $32, R11
	SUBQ      $2, CX
	JMP       kpair2

kpair1:
	TESTQ     CX, CX
	JZ        knext
	VMOVUPD   (R10), X0
	VMOVUPD   (R11), X1
	VPERMILPD $1, X0, X2
	VPERMILPD $1, X1, X3
	VMULPD    X8, X0, X4
	VMULPD    X9, X2, X5
	VADDSUBPD X5, X4, X4
	VMULPD    X10, X1, X5
	VADDPD    X5, X4, X4
	VMULPD    X11, X3, X5
	VADDSUBPD X5, X4, X4
	VMULPD    X12, X0, X6
	VMULPD    X13, X2, X7
	VADDSUBPD X7, X6, X6
	VMULPD    X14, X1, X7
	VADDPD    X7, X6, X6
	VMULPD    X15, X3, X7
	VADDSUBPD X7, X6, X6
	VMOVUPD   X4, (R10)
	VMOVUPD   X6, (R11)

knext:
	ADDQ R8, SI
	ADDQ R8, DI
	DECQ R9
	JMP  kblock

kdone:
	VZEROUPPER
	RET

// func realKernAVX(x, y *complex128, n, step, blocks int, m *mat)
TEXT ·realKernAVX(SB), NOSPLIT, $0-48
	MOVQ m+40(FP), AX
	VBROADCASTSD 0(AX), Y8   // ar
	VBROADCASTSD 16(AX), Y10 // br
	VBROADCASTSD 32(AX), Y12 // cr
	VBROADCASTSD 48(AX), Y14 // dr
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ step+24(FP), R8
	SHLQ $4, R8
	MOVQ blocks+32(FP), R9

rblock:
	TESTQ R9, R9
	JZ    rdone
	MOVQ  n+16(FP), CX
	MOVQ  SI, R10
	MOVQ  DI, R11

rpair4:
	CMPQ    CX, $4
	JLT     rpair2
	VMOVUPD (R10), Y0
	VMOVUPD (R11), Y1
	VMOVUPD 32(R10), Y2
	VMOVUPD 32(R11), Y3
	VMULPD  Y8, Y0, Y4
	VMULPD  Y10, Y1, Y5
	VADDPD  Y5, Y4, Y4
	VMULPD  Y12, Y0, Y6
	VMULPD  Y14, Y1, Y7
	VADDPD  Y7, Y6, Y6
	VMULPD  Y8, Y2, Y0
	VMULPD  Y10, Y3, Y5
	VADDPD  Y5, Y0, Y0
	VMULPD  Y12, Y2, Y1
	VMULPD  Y14, Y3, Y7
	VADDPD  Y7, Y1, Y1
	VMOVUPD Y4, (R10)
	VMOVUPD Y6, (R11)
	VMOVUPD Y0, 32(R10)
	VMOVUPD Y1, 32(R11)
	ADDQ    $64, R10
	ADDQ    $64, R11
	SUBQ    $4, CX
	JMP     rpair4

rpair2:
	CMPQ    CX, $2
	JLT     rpair1
	VMOVUPD (R10), Y0
	VMOVUPD (R11), Y1
	VMULPD  Y8, Y0, Y4
	VMULPD  Y10, Y1, Y5
	VADDPD  Y5, Y4, Y4
	VMULPD  Y12, Y0, Y6
	VMULPD  Y14, Y1, Y7
	VADDPD  Y7, Y6, Y6
	VMOVUPD Y4, (R10)
	VMOVUPD Y6, (R11)
	ADDQ    $32, R10
	ADDQ    $32, R11
	SUBQ    $2, CX
	JMP     rpair2

rpair1:
	TESTQ   CX, CX
	JZ      rnext
	VMOVUPD (R10), X0
	VMOVUPD (R11), X1
	VMULPD  X8, X0, X4
	VMULPD  X10, X1, X5
	VADDPD  X5, X4, X4
	VMULPD  X12, X0, X6
	VMULPD  X14, X1, X7
	VADDPD  X7, X6, X6
	VMOVUPD X4, (R10)
	VMOVUPD X6, (R11)

rnext:
	ADDQ R8, SI
	ADDQ R8, DI
	DECQ R9
	JMP  rblock

rdone:
	VZEROUPPER
	RET

// func scaleAVX(x *complex128, n, step, blocks int, r, i float64)
TEXT ·scaleAVX(SB), NOSPLIT, $0-48
	VBROADCASTSD r+32(FP), Y8
	VBROADCASTSD i+40(FP), Y9
	MOVQ x+0(FP), SI
	MOVQ step+16(FP), R8
	SHLQ $4, R8
	MOVQ blocks+24(FP), R9

sblock:
	TESTQ R9, R9
	JZ    sdone
	MOVQ  n+8(FP), CX
	MOVQ  SI, R10

s4:
	CMPQ      CX, $4
	JLT       s2
	VMOVUPD   (R10), Y0
	VMOVUPD   32(R10), Y1
	VPERMILPD $5, Y0, Y2
	VPERMILPD $5, Y1, Y3
	VMULPD    Y8, Y0, Y0
	VMULPD    Y9, Y2, Y2
	VADDSUBPD Y2, Y0, Y0
	VMULPD    Y8, Y1, Y1
	VMULPD    Y9, Y3, Y3
	VADDSUBPD Y3, Y1, Y1
	VMOVUPD   Y0, (R10)
	VMOVUPD   Y1, 32(R10)
	ADDQ      $64, R10
	SUBQ      $4, CX
	JMP       s4

s2:
	CMPQ      CX, $2
	JLT       s1
	VMOVUPD   (R10), Y0
	VPERMILPD $5, Y0, Y2
	VMULPD    Y8, Y0, Y0
	VMULPD    Y9, Y2, Y2
	VADDSUBPD Y2, Y0, Y0
	VMOVUPD   Y0, (R10)
	ADDQ      $32, R10
	SUBQ      $2, CX

s1:
	TESTQ     CX, CX
	JZ        snext
	VMOVUPD   (R10), X0
	VPERMILPD $1, X0, X2
	VMULPD    X8, X0, X0
	VMULPD    X9, X2, X2
	VADDSUBPD X2, X0, X0
	VMOVUPD   X0, (R10)

snext:
	ADDQ R8, SI
	DECQ R9
	JMP  sblock

sdone:
	VZEROUPPER
	RET

// func mulAVX(a, t *complex128, n int)
// a = [ar, ai], T = [tr, ti]: [ar*tr - ai*ti, ai*tr + ar*ti].
TEXT ·mulAVX(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), SI
	MOVQ t+8(FP), DI
	MOVQ n+16(FP), CX

m2:
	CMPQ      CX, $2
	JLT       m1
	VMOVUPD   (SI), Y0
	VMOVUPD   (DI), Y1
	VMOVDDUP  Y1, Y2
	VPERMILPD $15, Y1, Y3
	VPERMILPD $5, Y0, Y4
	VMULPD    Y2, Y0, Y0
	VMULPD    Y3, Y4, Y4
	VADDSUBPD Y4, Y0, Y0
	VMOVUPD   Y0, (SI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $2, CX
	JMP       m2

m1:
	TESTQ     CX, CX
	JZ        mdone
	VMOVUPD   (SI), X0
	VMOVUPD   (DI), X1
	VMOVDDUP  X1, X2
	VPERMILPD $3, X1, X3
	VPERMILPD $1, X0, X4
	VMULPD    X2, X0, X0
	VMULPD    X3, X4, X4
	VADDSUBPD X4, X0, X0
	VMOVUPD   X0, (SI)

mdone:
	VZEROUPPER
	RET
