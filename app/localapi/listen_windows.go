//go:build windows

package localapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// pipeName maps the socket path the other platforms use onto a named pipe,
// so that several nodes (several --home folders) each get their own.
func pipeName(socket string) string {
	abs, err := filepath.Abs(socket)
	if err != nil {
		abs = socket
	}
	sum := sha256.Sum256([]byte(strings.ToLower(abs)))
	return `\\.\pipe\idlenode-` + hex.EncodeToString(sum[:8])
}

// ownerOnly is a security descriptor that grants the current user, and
// nobody else, access to the pipe.
func ownerOnly() (string, error) {
	tok := windows.GetCurrentProcessToken()
	u, err := tok.GetTokenUser()
	if err != nil {
		return "", err
	}
	return "D:P(A;;GA;;;" + u.User.Sid.String() + ")", nil
}

// Listen opens the owner-only named pipe for socket. A live pipe means
// another service runs: ErrAlreadyRunning.
func Listen(socket string) (net.Listener, error) {
	name := pipeName(socket)
	timeout := time.Second
	if c, err := winio.DialPipe(name, &timeout); err == nil {
		c.Close()
		return nil, ErrAlreadyRunning
	}
	sd, err := ownerOnly()
	if err != nil {
		return nil, fmt.Errorf("local API: read the current user: %w", err)
	}
	ln, err := winio.ListenPipe(name, &winio.PipeConfig{SecurityDescriptor: sd})
	if err != nil {
		return nil, fmt.Errorf("local API: %w", err)
	}
	// Leave a marker where the socket would be, for people looking for it.
	_ = os.WriteFile(socket, []byte(name+"\n"), 0o600)
	return ln, nil
}

func dial(ctx context.Context, socket string) (net.Conn, error) {
	c, err := winio.DialPipeContext(ctx, pipeName(socket))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
	}
	return c, err
}
