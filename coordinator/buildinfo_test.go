package coordinator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/internal/buildinfo"
)

// TestMetricsBuildInfo: /metrics names the running version.
func TestMetricsBuildInfo(t *testing.T) {
	env := start(t, nil)
	code, body := raw(t, "GET", env.url+"/metrics", "", nil)
	want := fmt.Sprintf(`idlenode_build_info{version=%q} 1`, buildinfo.Version)
	if code != 200 || !strings.Contains(string(body), want) {
		t.Fatalf("metrics: %d, want %s in\n%s", code, want, body)
	}
}
