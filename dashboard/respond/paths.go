package respond

import "strings"

// APIPrefix is where the JSON/CSV API lives.
const APIPrefix = "/api/v1"

// PushPrefix is where push receivers are mounted, one folder per collector
// (PushPrefix + NAME + "/"); they judge their callers themselves.
const PushPrefix = APIPrefix + "/push/"

// PushMethods are the methods push receivers are mounted for.
var PushMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// IsAPI reports whether path is under the API, whose answers (errors
// included) are JSON.
func IsAPI(path string) bool { return path == APIPrefix || strings.HasPrefix(path, APIPrefix+"/") }

// IsPush reports whether path is under a push receiver.
func IsPush(path string) bool { return strings.HasPrefix(path, PushPrefix) }
