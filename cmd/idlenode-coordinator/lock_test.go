package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDataDirLocked: a second coordinator on a data folder in use refuses
// to start, naming the folder, and leaves the first one's network.json
// alone; once the first stops, the folder can be used again.
func TestDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	first := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"--listen", first, "--data", dir, "--name", "first"}, &logs) }()
	desc := filepath.Join(dir, "network.json")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "Coordinator listening") {
		if time.Now().After(deadline) {
			t.Fatalf("first coordinator did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	before, err := os.ReadFile(desc)
	if err != nil {
		t.Fatal(err)
	}

	var logs2 bytes.Buffer
	err = serve(context.Background(), []string{"--listen", freeAddr(t), "--data", dir, "--name", "second"}, &logs2)
	abs, _ := filepath.Abs(dir)
	if err == nil || !strings.Contains(err.Error(), "in use by another coordinator") || !strings.Contains(err.Error(), abs) {
		t.Fatalf("second coordinator on the same folder: %v, want a refusal naming %s\n%s", err, abs, logs2.String())
	}
	if after, _ := os.ReadFile(desc); !bytes.Equal(before, after) {
		t.Fatalf("network.json changed:\n%s\nthen\n%s", before, after)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("first coordinator: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan error, 1)
	var logs3 syncBuffer
	go func() { done2 <- serve(ctx2, []string{"--listen", freeAddr(t), "--data", dir}, &logs3) }()
	for !strings.Contains(logs3.String(), "Coordinator listening") {
		select {
		case err := <-done2:
			t.Fatalf("restart on a released folder: %v\n%s", err, logs3.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel2()
	if err := <-done2; err != nil {
		t.Fatal(err)
	}
}

// TestListenInUse: a port in use fails serve before it writes the
// network descriptor.
func TestListenInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	var logs bytes.Buffer
	err = serve(context.Background(), []string{"--listen", ln.Addr().String(), "--data", dir}, &logs)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("serve on a taken port: %v", err)
	}
	if strings.Contains(logs.String(), "Network descriptor written") {
		t.Fatalf("descriptor logged before the bind failed:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "network.json")); !os.IsNotExist(err) {
		t.Fatalf("network.json written for a coordinator that could not bind: %v", err)
	}
}
