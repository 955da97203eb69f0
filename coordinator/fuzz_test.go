package coordinator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// FuzzRequests throws arbitrary bodies and paths at every route, signed
// in: the answer is never a 5xx and errors are always JSON.
func FuzzRequests(f *testing.F) {
	env := start(f, nil)
	sg, _ := client.GenerateKeySigner()
	tok := loginTB(f, env, sg)
	routes := []string{"POST /v1/jobs", "POST /v1/leases", "POST /v1/auth/login", "PUT /v1/blobs/", "POST /v1/leases/%s/result",
		"POST /v1/leases/%s/heartbeat", "GET /v1/jobs/", "GET /v1/earnings/", "GET /v1/nodes/"}
	f.Add(uint8(0), "", []byte(`{"jobs":[{"runtime":"wasi"}]}`))
	f.Add(uint8(1), "", []byte(`{"capabilities":{"runtimes":["wasi"]},"max":1}`))
	f.Add(uint8(2), "", []byte(`{"message":"a wants you to sign in with your Ethereum account:\n0x\n\n","signature":"0x"}`))
	f.Add(uint8(4), "0123456789abcdef0123456789abcdef", []byte(`{"output_hash":"00","metrics":{"cpu_seconds":-1}}`))
	f.Add(uint8(5), "0123456789abcdef0123456789abcdef", []byte(`{"state":"paused"}`))
	f.Add(uint8(6), "../../etc/passwd", []byte{})
	f.Fuzz(func(t *testing.T, which uint8, arg string, body []byte) {
		rt := routes[int(which)%len(routes)]
		method, path, _ := strings.Cut(rt, " ")
		arg = url.PathEscape(arg)
		if strings.Contains(path, "%s") {
			path = strings.Replace(path, "%s", arg, 1)
		} else if strings.HasSuffix(path, "/") {
			path += arg
		}
		req := httptest.NewRequest(method, "http://x"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req = req.WithContext(ctx)
		w := httptest.NewRecorder()
		env.srv.Handler().ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e protocol.ErrorResponse
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code == "" {
				t.Fatalf("%s %s: %d non-JSON error %q", method, path, w.Code, w.Body)
			}
		}
	})
}
