package coordinator

import (
	"sync"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per client key (an address once signed
// in, else the remote IP).
type limiter struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{r: r, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) > 50_000 {
			l.m = map[string]*rate.Limiter{} // bounded memory; a reset only forgives
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}
