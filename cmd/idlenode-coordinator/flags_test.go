package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/protocol"
)

// TestServeRefusesBadFlags: values that cannot work are refused at once
// with one line naming the flag and exit status 2, before the data folder
// is created.
func TestServeRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate-limit", "-1"}, "--rate-limit"},
		{[]string{"--rate-limit", "NaN"}, "--rate-limit"},
		{[]string{"--lease-ttl", "0s"}, "--lease-ttl"},
		{[]string{"--lease-ttl", "-5s"}, "--lease-ttl"},
		{[]string{"--lease-ttl", "10ms"}, "--lease-ttl"},
		{[]string{"--sync", "OFF"}, "--sync"},
		{[]string{"--demo-replicas", "0"}, "--demo-replicas"},
		{[]string{"--demo-reward", "-3"}, "--demo-reward"},
		{[]string{"--max-reward", "x"}, "--max-reward"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--public-url", "nope"}, "--public-url"},
		// Every interface, and no address for clients to use.
		{[]string{"--listen", "0.0.0.0:0"}, "--public-url"},
		{[]string{"--listen", "[::]:0"}, "--public-url"},
		{[]string{"--listen", ":0"}, "--public-url"},
	} {
		dir := filepath.Join(t.TempDir(), "net")
		var stdout, stderr bytes.Buffer
		args := append([]string{"serve", "--data", dir, "--listen", "127.0.0.1:0"}, tc.args...)
		code := realMain(args, &stdout, &stderr)
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
			t.Errorf("serve %v: exit %d, stderr:\n%s\nwant exit 2 and one line naming %s", tc.args, code, stderr.String(), tc.want)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("serve %v: refused but created the data folder (%v)", tc.args, err)
		}
	}
}

// TestServeHelpStatesDefaults: -h gives each default and what 0 means.
func TestServeHelpStatesDefaults(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := realMain([]string{"serve", "-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	help := stderr.String()
	for _, want := range []string{"(default 50)", "0: no limit", "(default 1m0s)", `(default "FULL")`, "0.0.0.0"} {
		if !strings.Contains(help, want) {
			t.Errorf("serve -h does not say %q:\n%s", want, help)
		}
	}
}

// TestServeAllInterfacesWithPublicURL: listening on every interface works
// when --public-url says where clients reach it, and network.json names it.
func TestServeAllInterfacesWithPublicURL(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--listen", "0.0.0.0:0", "--public-url", "http://coord.example:8080", "--data", dir}, &logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "Coordinator listening") {
		if time.Now().After(deadline) {
			t.Fatalf("did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	n, err := protocol.LoadNetwork(context.Background(), filepath.Join(dir, "network.json"))
	if err != nil || n.CoordinatorURL != "http://coord.example:8080" {
		t.Fatalf("network.json: %+v, %v", n, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestServeRateLimitZero: --rate-limit 0 is no limit (it used to mean 50
// per second with a burst of 1).
func TestServeRateLimitZero(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--listen", addr, "--data", dir, "--rate-limit", "0"}, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "Coordinator listening") {
		if time.Now().After(deadline) {
			t.Fatalf("did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 300 {
		resp, err := http.Get("http://" + addr + "/v1/auth/nonce")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d with --rate-limit 0: %s", i+1, resp.Status)
		}
	}
}
