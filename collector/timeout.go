package collector

import "time"

// DefaultTimeout bounds a collector run whose configuration sets no
// timeout (collectors[].timeout), so a target that hangs never holds its
// schedule for long. It is the one default: the configuration documents
// it and the binary applies it.
const DefaultTimeout = time.Minute
