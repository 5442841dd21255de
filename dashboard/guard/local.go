package guard

import (
	"context"
	"net/http"
)

// localKey marks a request's context as having come over the server's own
// Unix socket (cmd/imscope's serve listens on one in the data directory).
type localKey struct{}

// LocalAdmin marks ctx, the context of a connection accepted on the
// server's Unix socket, as the admin's. The socket is the way the
// command-line tool reaches a running server on the same machine: it is
// created mode 0600 in the data directory and serve admits only peers of
// its own user, so whoever connects could read and write the data
// directory itself — the filesystem has already said who they are, and no
// password or token is asked for. Use it as http.Server.ConnContext there,
// never on a TCP listener.
func LocalAdmin(ctx context.Context) context.Context {
	return context.WithValue(ctx, localKey{}, true)
}

// viaSocket reports whether r came over the server's Unix socket.
func viaSocket(r *http.Request) bool {
	v, _ := r.Context().Value(localKey{}).(bool)
	return v
}

// socketUser is the admin as the Unix socket identifies them.
var socketUser = &User{Name: "local", Admin: true, Via: "socket"}
