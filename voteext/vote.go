package voteext

// Vote is one validator's verified extension of the last commit, as the PreBlocker hands it to
// the modules that consume a section: its consensus address, its voting power in that commit
// and the decoded extension.
type Vote struct {
	Validator []byte
	Power     int64
	Extension Extension
}
