package types

// ArtifactSink receives the canonical artifact of every job that succeeds in EndBlock
// (engine.Result.ArtifactBytes) together with its CIDv1, the Result.ArtifactCid stored on
// chain. It is node-side and outside consensus: the node's artifact service stores and pins
// the bytes. Put must return at once (enqueue, never wait on disk or network) and has no way
// to fail back into the block: a sink that cannot keep up drops and logs. Every validator
// computes the same CID whether or not it has a sink. Replayed blocks put the same bytes again;
// adding is idempotent.
type ArtifactSink interface {
	Put(cid string, data []byte)
}
