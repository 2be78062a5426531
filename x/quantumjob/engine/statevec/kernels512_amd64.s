//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 versions of scaleAVX, realKernAVX and mulAVX: 4 complex numbers
// per instruction, then the AVX code's 2- and 1-wide tails. AVX-512 has no
// VADDSUBPD, so the real lane's a - b is computed as a + (-b), which IEEE
// 754 defines as the same operation (the sign of b flipped by VPXORQ with
// signEven): the bits equal the Go loops', like the AVX kernels'.

DATA signEven<>+0(SB)/8, $0x8000000000000000
DATA signEven<>+8(SB)/8, $0
DATA signEven<>+16(SB)/8, $0x8000000000000000
DATA signEven<>+24(SB)/8, $0
DATA signEven<>+32(SB)/8, $0x8000000000000000
DATA signEven<>+40(SB)/8, $0
DATA signEven<>+48(SB)/8, $0x8000000000000000
DATA signEven<>+56(SB)/8, $0
GLOBL signEven<>(SB), RODATA|NOPTR, $64

// func scaleAVX512(x *complex128, n, step, blocks int, r, i float64)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-48
	VBROADCASTSD r+32(FP), Z8
	VBROADCASTSD i+40(FP), Z9
	VMOVDQU64    signEven<>(SB), Z15
	MOVQ         x+0(FP), SI
	MOVQ         step+16(FP), R8
	SHLQ         $4, R8
	MOVQ         blocks+24(FP), R9

zsblock:
	TESTQ R9, R9
	JZ    zsdone
	MOVQ  n+8(FP), CX
	MOVQ  SI, R10

zs4:
	CMPQ      CX, $4
	JLT       zs2
	VMOVUPD   (R10), Z0
	VPERMILPD $0x55, Z0, Z2
	VMULPD    Z8, Z0, Z0
	VMULPD    Z9, Z2, Z2
	VPXORQ    Z15, Z2, Z2
	VADDPD    Z2, Z0, Z0
	VMOVUPD   Z0, (R10)
	ADDQ      $64, R10
	SUBQ      $4, CX
	JMP       zs4

zs2:
	CMPQ      CX, $2
	JLT       zs1
	VMOVUPD   (R10), Y0
	VPERMILPD $5, Y0, Y2
	VMULPD    Y8, Y0, Y0
	VMULPD    Y9, Y2, Y2
	VADDSUBPD Y2, Y0, Y0
	VMOVUPD   Y0, (R10)
	ADDQ      $32, R10
	SUBQ      $2, CX

zs1:
	TESTQ     CX, CX
	JZ        zsnext
	VMOVUPD   (R10), X0
	VPERMILPD $1, X0, X2
	VMULPD    X8, X0, X0
	VMULPD    X9, X2, X2
	VADDSUBPD X2, X0, X0
	VMOVUPD   X0, (R10)

zsnext:
	ADDQ R8, SI
	DECQ R9
	JMP  zsblock

zsdone:
	VZEROUPPER
	RET

// func realKernAVX512(x, y *complex128, n, step, blocks int, m *mat)
TEXT ·realKernAVX512(SB), NOSPLIT, $0-48
	MOVQ         m+40(FP), AX
	VBROADCASTSD 0(AX), Z8   // ar
	VBROADCASTSD 16(AX), Z10 // br
	VBROADCASTSD 32(AX), Z12 // cr
	VBROADCASTSD 48(AX), Z14 // dr
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         step+24(FP), R8
	SHLQ         $4, R8
	MOVQ         blocks+32(FP), R9

zrblock:
	TESTQ R9, R9
	JZ    zrdone
	MOVQ  n+16(FP), CX
	MOVQ  SI, R10
	MOVQ  DI, R11

zr4:
	CMPQ    CX, $4
	JLT     zr2
	VMOVUPD (R10), Z0
	VMOVUPD (R11), Z1
	VMULPD  Z8, Z0, Z4
	VMULPD  Z10, Z1, Z5
	VADDPD  Z5, Z4, Z4
	VMULPD  Z12, Z0, Z6
	VMULPD  Z14, Z1, Z7
	VADDPD  Z7, Z6, Z6
	VMOVUPD Z4, (R10)
	VMOVUPD Z6, (R11)
	ADDQ    $64, R10
	ADDQ    $64, R11
	SUBQ    $4, CX
	JMP     zr4

zr2:
	CMPQ    CX, $2
	JLT     zr1
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

zr1:
	TESTQ   CX, CX
	JZ      zrnext
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

zrnext:
	ADDQ R8, SI
	ADDQ R8, DI
	DECQ R9
	JMP  zrblock

zrdone:
	VZEROUPPER
	RET

// func mulAVX512(a, t *complex128, n int)
TEXT ·mulAVX512(SB), NOSPLIT, $0-24
	VMOVDQU64 signEven<>(SB), Z15
	MOVQ      a+0(FP), SI
	MOVQ      t+8(FP), DI
	MOVQ      n+16(FP), CX

zm4:
	CMPQ      CX, $4
	JLT       zm2
	VMOVUPD   (SI), Z0
	VMOVUPD   (DI), Z1
	VMOVDDUP  Z1, Z2
	VPERMILPD $0xff, Z1, Z3
	VPERMILPD $0x55, Z0, Z4
	VMULPD    Z2, Z0, Z0
	VMULPD    Z3, Z4, Z4
	VPXORQ    Z15, Z4, Z4
	VADDPD    Z4, Z0, Z0
	VMOVUPD   Z0, (SI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $4, CX
	JMP       zm4

zm2:
	CMPQ      CX, $2
	JLT       zm1
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

zm1:
	TESTQ     CX, CX
	JZ        zmdone
	VMOVUPD   (SI), X0
	VMOVUPD   (DI), X1
	VMOVDDUP  X1, X2
	VPERMILPD $3, X1, X3
	VPERMILPD $1, X0, X4
	VMULPD    X2, X0, X0
	VMULPD    X3, X4, X4
	VADDSUBPD X4, X0, X0
	VMOVUPD   X0, (SI)

zmdone:
	VZEROUPPER
	RET

// func kernAVX512(x, y *complex128, n, step, blocks int, m *mat)
TEXT ·kernAVX512(SB), NOSPLIT, $0-48
	MOVQ         m+40(FP), AX
	VBROADCASTSD 0(AX), Z8   // ar
	VBROADCASTSD 8(AX), Z9   // ai
	VBROADCASTSD 16(AX), Z10 // br
	VBROADCASTSD 24(AX), Z11 // bi
	VBROADCASTSD 32(AX), Z12 // cr
	VBROADCASTSD 40(AX), Z13 // ci
	VBROADCASTSD 48(AX), Z14 // dr
	VBROADCASTSD 56(AX), Z15 // di
	VMOVDQU64    signEven<>(SB), Z16
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         step+24(FP), R8
	SHLQ         $4, R8
	MOVQ         blocks+32(FP), R9

zkblock:
	TESTQ R9, R9
	JZ    zkdone
	MOVQ  n+16(FP), CX
	MOVQ  SI, R10
	MOVQ  DI, R11

zk4:
	CMPQ      CX, $4
	JLT       zk2
	VMOVUPD   (R10), Z0
	VMOVUPD   (R11), Z1
	VPERMILPD $0x55, Z0, Z2
	VPERMILPD $0x55, Z1, Z3
	VMULPD    Z8, Z0, Z4
	VMULPD    Z9, Z2, Z5
	VPXORQ    Z16, Z5, Z5
	VADDPD    Z5, Z4, Z4
	VMULPD    Z10, Z1, Z5
	VADDPD    Z5, Z4, Z4
	VMULPD    Z11, Z3, Z5
	VPXORQ    Z16, Z5, Z5
	VADDPD    Z5, Z4, Z4
	VMULPD    Z12, Z0, Z6
	VMULPD    Z13, Z2, Z7
	VPXORQ    Z16, Z7, Z7
	VADDPD    Z7, Z6, Z6
	VMULPD    Z14, Z1, Z7
	VADDPD    Z7, Z6, Z6
	VMULPD    Z15, Z3, Z7
	VPXORQ    Z16, Z7, Z7
	VADDPD    Z7, Z6, Z6
	VMOVUPD   Z4, (R10)
	VMOVUPD   Z6, (R11)
	ADDQ      $64, R10
	ADDQ      $64, R11
	SUBQ      $4, CX
	JMP       zk4

zk2:
	CMPQ      CX, $2
	JLT       zk1
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

zk1:
	TESTQ     CX, CX
	JZ        zknext
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

zknext:
	ADDQ R8, SI
	ADDQ R8, DI
	DECQ R9
	JMP  zkblock

zkdone:
	VZEROUPPER
	RET
