package engine

import "bytes"

// inner is keccak256(0x01 ‖ min(a, b) ‖ max(a, b)): sorted pairs, so proofs need no
// left/right bits, and a 65-byte preimage no record hash (128 bytes) can be mistaken for.
func inner(a, b [32]byte) [32]byte {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	return Keccak256([]byte{0x01}, a[:], b[:])
}

// MerkleRoot is the root over leaves in record order: pairs hashed level by level, an odd
// last node carried up unchanged; one leaf is its own root, none gives the zero root.
func MerkleRoot(leaves [][32]byte) [32]byte {
	if len(leaves) == 0 {
		return [32]byte{}
	}
	level := append([][32]byte(nil), leaves...)
	for len(level) > 1 {
		next := level[:0:0]
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
			} else {
				next = append(next, inner(level[i], level[i+1]))
			}
		}
		level = next
	}
	return level[0]
}

// MerkleProof lists the siblings of leaf i from the bottom up (nothing for a level where it
// was carried up). It returns nil for an index out of range.
func MerkleProof(leaves [][32]byte, i int) [][32]byte {
	if i < 0 || i >= len(leaves) {
		return nil
	}
	proof := [][32]byte{}
	level := append([][32]byte(nil), leaves...)
	for len(level) > 1 {
		if sib := i ^ 1; sib < len(level) {
			proof = append(proof, level[sib])
		}
		next := level[:0:0]
		for j := 0; j < len(level); j += 2 {
			if j+1 == len(level) {
				next = append(next, level[j])
			} else {
				next = append(next, inner(level[j], level[j+1]))
			}
		}
		level, i = next, i/2
	}
	return proof
}

// VerifyProof folds the proof into the leaf and compares with root; a zero root proves
// nothing.
func VerifyProof(leaf [32]byte, proof [][32]byte, root [32]byte) bool {
	if root == ([32]byte{}) {
		return false
	}
	h := leaf
	for _, s := range proof {
		h = inner(h, s)
	}
	return h == root
}
