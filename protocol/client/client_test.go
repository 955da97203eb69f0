package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/protocol/client"
)

func TestKeySignerIsPersonalSign(t *testing.T) {
	s, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("hello")
	sig, err := s.SignMessage(msg)
	if err != nil || len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("sig %x %v", sig, err)
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(msg), sig)
	if err != nil || crypto.PubkeyToAddress(*pub) != s.Address() {
		t.Fatal("signature does not recover the signer's address")
	}
}

// A coordinator that serves wrong bytes is caught by the client.
func TestGetBlobChecksHashAndSize(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer ts.Close()
	c, _ := client.New(ts.URL, nil)
	want := client.HashBytes([]byte("right"))
	if _, err := c.GetBlob(context.Background(), want, 0); !errors.Is(err, client.ErrHashMismatch) {
		t.Fatalf("err = %v, want ErrHashMismatch", err)
	}
	if _, err := c.GetBlob(context.Background(), want, 10); !errors.Is(err, client.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if _, err := c.GetBlob(context.Background(), "nope", 0); !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("err = %v, want ErrBadRequest", err)
	}
}

func TestErrorsNameTheURLAndCode(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"error":"lease expired","code":"lease_gone"}`))
	}))
	defer ts.Close()
	c, _ := client.New(ts.URL, nil)
	_, err := c.Job(context.Background(), "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, client.ErrLeaseGone) || !errors.Is(err, client.ErrConflict) || !strings.Contains(err.Error(), ts.URL) {
		t.Fatalf("err = %v", err)
	}
	if _, err := client.New("not a url", nil); err == nil {
		t.Fatal("bad URL accepted")
	}
	// Signed calls without a signer fail clearly, without a request.
	if _, err := c.Submit(context.Background()); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("submit without signer: %v", err)
	}
}
