//go:build cgo

package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/idlenode/idlenode/worker/sandbox/instrument"
)

const wasmtimeModule = "github.com/bytecodealliance/wasmtime-go/v39"

// wasiModule is the only import namespace a job may use.
const wasiModule = "wasi_snapshot_preview1"

// Deterministic clocks: every read advances the clock by clockStep, from a
// fixed start, so a module sees time pass without learning anything of the
// host. Real time is 2020-01-01T00:00:00Z at the first read.
const (
	clockStep     = 1_000_000 // 1 ms in ns
	realtimeStart = 1_577_836_800_000_000_000
)

// maxModuleBytes bounds a module file.
const maxModuleBytes = 256 << 20

// EngineID names the engine and its settings; compiled modules are cached
// per EngineID.
func EngineID() string { return engineID(nanRewrite) }

func engineID(mode nanMode) string {
	v := "v39.0.1"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == wasmtimeModule {
				v = d.Version
				if d.Replace != nil {
					v += "=>" + d.Replace.Path + "@" + d.Replace.Version
				}
			}
		}
	}
	id := "wasmtime-go/" + v + ";cranelift-speed;relaxed-simd-det;no-threads;no-gc"
	switch mode {
	case nanRewrite:
		id += ";" + instrument.Version
	case nanCranelift:
		id += ";nan-canon"
	}
	return id
}

// newEngine configures wasmtime. The features turned off are those
// package instrument has not been taught (it refuses their instructions
// anyway).
func newEngine(mode nanMode) *wasmtime.Engine {
	cfg := wasmtime.NewConfig()
	cfg.SetCraneliftOptLevel(wasmtime.OptLevelSpeed)
	cfg.SetCraneliftNanCanonicalization(mode == nanCranelift)
	cfg.SetWasmRelaxedSIMDDeterministic(true)
	cfg.SetWasmThreads(false)
	cfg.SetWasmGC(false)
	cfg.SetWasmFunctionReferences(false)
	cfg.SetWasmWideArithmetic(false)
	cfg.SetWasmMemory64(false)
	return wasmtime.NewEngineWithConfig(cfg)
}

// compiled is a module ready to instantiate.
type compiled struct {
	module   *wasmtime.Module
	cacheHit bool
}

// loadModule reads, validates and compiles the module at path, through the
// cache in cacheDir when one is given. A failure is a childStatus of kind
// KindInvalidModule (the module's fault) or KindCrash (ours).
func loadModule(engine *wasmtime.Engine, mode nanMode, path, cacheDir string, log *slog.Logger) (compiled, *childStatus) {
	invalid := func(format string, a ...any) (compiled, *childStatus) {
		return compiled{}, &childStatus{Kind: KindInvalidModule, Message: fmt.Sprintf(format, a...)}
	}
	wasm, unmap, err := mapFile(path, maxModuleBytes)
	if errors.Is(err, errTooLarge) {
		return invalid("module is more than the %d bytes allowed", maxModuleBytes)
	}
	if err != nil {
		return compiled{}, &childStatus{Kind: KindCrash, Message: fmt.Sprintf("read module: %v", err)}
	}
	defer unmap()
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return invalid("not a WebAssembly module (no \\0asm header)")
	}
	if binary.LittleEndian.Uint32(wasm[4:8]) != 1 {
		return invalid("unsupported WebAssembly binary version %d (a component or a newer format?)", binary.LittleEndian.Uint32(wasm[4:8]))
	}

	var c *cache
	name := cacheKey(wasm, engineID(mode))
	if cacheDir != "" {
		if c, err = openCache(cacheDir, log); err != nil {
			log.Warn("Compile cache unusable, compiling without it", "err", err)
			c = nil
		}
	}
	if c != nil {
		e, err := c.load(name)
		if err != nil {
			log.Warn("Compiled module rejected, recompiling", "module", name, "err", err)
		}
		if e != nil {
			var m *wasmtime.Module
			if e.path != "" {
				m, err = wasmtime.NewModuleDeserializeFile(engine, e.path)
			} else {
				m, err = wasmtime.NewModuleDeserialize(engine, e.data)
			}
			e.release()
			if err == nil {
				return compiled{module: m, cacheHit: true}, nil
			}
			log.Warn("Compiled module not loadable, recompiling", "module", name, "err", err)
		}
	}
	m, st := compile(engine, mode, wasm)
	if st != nil {
		return compiled{}, st
	}
	if c != nil {
		if artifact, err := m.Serialize(); err != nil {
			log.Warn("Could not serialize compiled module", "err", err)
		} else if err := c.store(name, artifact); err != nil {
			log.Warn("Could not cache compiled module", "err", err)
		}
	}
	return compiled{module: m}, nil
}

// compile compiles wasm, instrumented first in nanRewrite mode. Errors
// name places in the module as the requester built it, not as rewritten.
func compile(engine *wasmtime.Engine, mode nanMode, wasm []byte) (*wasmtime.Module, *childStatus) {
	code := wasm
	var rerr error
	if mode == nanRewrite {
		code, _, rerr = instrument.Rewrite(wasm)
	}
	var m *wasmtime.Module
	var err error
	if rerr == nil {
		if m, err = wasmtime.NewModule(engine, code); err == nil {
			return m, nil
		}
	}
	// Name the fault in the module as built, where it has one.
	if mode != nanRewrite {
		return nil, &childStatus{Kind: KindInvalidModule, Message: "invalid module: " + firstLine(err.Error())}
	}
	if verr := wasmtime.ModuleValidate(engine, wasm); verr != nil {
		return nil, &childStatus{Kind: KindInvalidModule, Message: "invalid module: " + firstLine(verr.Error())}
	}
	if rerr != nil {
		return nil, &childStatus{Kind: KindInvalidModule, Message: "module not supported: " + rerr.Error()}
	}
	// A valid module made invalid: our bug, not the job's.
	return nil, &childStatus{Kind: KindCrash, Message: "instrumenting broke a valid module: " + firstLine(err.Error())}
}

// checkInterface makes sure the module is a WASI command that imports only
// what the sandbox offers.
func checkInterface(m *wasmtime.Module, linker *wasmtime.Linker, store *wasmtime.Store) *childStatus {
	hasStart := false
	for _, e := range m.Exports() {
		if e.Name() == "_start" && e.Type().FuncType() != nil {
			hasStart = true
		}
	}
	if !hasStart {
		return &childStatus{Kind: KindInvalidModule, Message: "module has no _start function (not a WASI command)"}
	}
	for _, imp := range m.Imports() {
		name := ""
		if imp.Name() != nil {
			name = *imp.Name()
		}
		if imp.Module() != wasiModule || linker.Get(store, imp.Module(), name) == nil {
			return &childStatus{Kind: KindInvalidModule, Message: fmt.Sprintf("unsupported import %s.%s (only WASI preview 1 is offered)", imp.Module(), name)}
		}
	}
	return nil
}

// runModule runs the module described by cfg to its end.
func runModule(cfg childConfig, log *slog.Logger) childStatus {
	engine := newEngine(cfg.NaNMode)
	comp, st := loadModule(engine, cfg.NaNMode, cfg.ModulePath, cfg.CacheDir, log)
	if st != nil {
		return *st
	}
	// From here on, only the module runs: cap this process now that the
	// compile (and its cache write) is done.
	if err := limitProcess(cfg.MemoryBytes, cfg.ScratchBytes); err != nil {
		log.Warn("Could not set OS limits", "err", err)
	}

	store := wasmtime.NewStore(engine)
	store.Limiter(cfg.MemoryBytes, 1_000_000, 4, 4, 1)
	wasi := wasmtime.NewWasiConfig()
	wasi.SetArgv(append([]string{"job.wasm"}, cfg.Args...))
	wasi.SetEnv(nil, nil)
	if cfg.InputPath != "" {
		if err := wasi.SetStdinFile(cfg.InputPath); err != nil {
			return childStatus{Kind: KindCrash, Message: fmt.Sprintf("open input: %v", err)}
		}
	}
	if err := setStdio(wasi); err != nil {
		return childStatus{Kind: KindCrash, Message: fmt.Sprintf("set up stdio: %v", err)}
	}
	if err := wasi.PreopenDir(cfg.ScratchDir, "/", wasmtime.DIR_READ|wasmtime.DIR_WRITE, wasmtime.FILE_READ|wasmtime.FILE_WRITE); err != nil {
		return childStatus{Kind: KindCrash, Message: fmt.Sprintf("open scratch folder: %v", err)}
	}
	store.SetWasi(wasi)

	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		return childStatus{Kind: KindCrash, Message: fmt.Sprintf("define wasi: %v", err)}
	}
	linker.AllowShadowing(true)
	if err := shadowNondeterminism(linker, cfg.Seed); err != nil {
		return childStatus{Kind: KindCrash, Message: fmt.Sprintf("define clocks: %v", err)}
	}
	if st := checkInterface(comp.module, linker, store); st != nil {
		return *st
	}
	if need := initialMemory(comp.module); need > cfg.MemoryBytes {
		return childStatus{Kind: KindMemory, CacheHit: comp.cacheHit,
			Message: fmt.Sprintf("memory limit reached (%d MB): the module needs %d MB to start", cfg.MemoryBytes>>20, (need+(1<<20)-1)>>20)}
	}
	inst, err := linker.Instantiate(store, comp.module)
	if err != nil {
		return classify(err, comp.cacheHit)
	}
	start := inst.GetFunc(store, "_start")
	_, err = start.Call(store)
	var mem *wasmtime.Memory
	if ex := inst.GetExport(store, "memory"); ex != nil {
		mem = ex.Memory()
	}
	res := classify(err, comp.cacheHit)
	if g := inst.GetExport(store, instrument.GrowRefusedExport); g != nil && g.Global() != nil {
		return blameMemory(res, uint32(g.Global().Get(store).I32()), mem, store, cfg.MemoryBytes)
	}
	return guessMemory(res, mem, store, cfg.MemoryBytes)
}

// blameMemory reports a failed run as the memory limit when the module's
// last refused memory.grow (refused pages, 0 if none) was ours to refuse:
// within its own maximum and the 4 GiB of a 32-bit memory.
func blameMemory(st childStatus, refused uint32, mem *wasmtime.Memory, store *wasmtime.Store, limit int64) childStatus {
	if st.Kind == KindNone || refused == 0 {
		return st
	}
	want := uint64(refused)
	if mem != nil {
		want += mem.Size(store)
		if ok, own := mem.Type(store).Maximum(); ok && want > own {
			return st // the module's own maximum
		}
	}
	if want > 65536 {
		return st
	}
	return childStatus{Kind: KindMemory, CacheHit: st.CacheHit, Message: fmt.Sprintf("memory limit reached (%d MB)", limit>>20)}
}

// guessMemory, for modules run without instrumentation (benchmarks only):
// a module whose memory.grow is refused usually fails soon after (Go
// guests exit 2 with "out of memory", C guests trap or exit), so a
// failure while holding more than half the limit is reported as the
// memory limit.
func guessMemory(st childStatus, mem *wasmtime.Memory, store *wasmtime.Store, limit int64) childStatus {
	if st.Kind == KindNone || mem == nil || int64(mem.DataSize(store)) <= limit/2 {
		return st
	}
	return childStatus{Kind: KindMemory, CacheHit: st.CacheHit, Message: fmt.Sprintf("memory limit reached (%d MB)", limit>>20)}
}

// initialMemory is the size in bytes of the module's exported memory at
// instantiation (0 when it exports none).
func initialMemory(m *wasmtime.Module) int64 {
	var need int64
	for _, e := range m.Exports() {
		if mt := e.Type().MemoryType(); mt != nil {
			need = max(need, int64(mt.Minimum())*65536)
		}
	}
	return need
}

// classify turns the outcome of _start into a status.
func classify(err error, cacheHit bool) childStatus {
	st := childStatus{CacheHit: cacheHit}
	var werr *wasmtime.Error
	var trap *wasmtime.Trap
	switch {
	case err == nil:
		return st
	case errors.As(err, &werr):
		if code, ok := werr.ExitStatus(); ok {
			if code == 0 {
				return st
			}
			st.Kind, st.ExitCode = KindExit, int(code)
			st.Message = fmt.Sprintf("module exited with code %d", code)
		} else {
			st.Kind, st.Message = KindTrap, "trap: "+firstLine(werr.Error())
		}
	case errors.As(err, &trap):
		st.Kind, st.Message = KindTrap, trapMessage(trap)
	default:
		st.Kind, st.Message = KindTrap, "trap: "+firstLine(err.Error())
	}
	return st
}

func trapMessage(t *wasmtime.Trap) string {
	if c := t.Code(); c != nil {
		switch *c {
		case wasmtime.StackOverflow:
			return "trap: stack overflow"
		case wasmtime.MemoryOutOfBounds:
			return "trap: out of bounds memory access"
		case wasmtime.UnreachableCodeReached:
			return "trap: unreachable"
		case wasmtime.IntegerDivisionByZero:
			return "trap: integer divide by zero"
		case wasmtime.IntegerOverflow:
			return "trap: integer overflow"
		case wasmtime.BadConversionToInteger:
			return "trap: invalid conversion to integer"
		case wasmtime.IndirectCallToNull:
			return "trap: indirect call to null"
		case wasmtime.BadSignature:
			return "trap: indirect call type mismatch"
		case wasmtime.TableOutOfBounds:
			return "trap: out of bounds table access"
		case wasmtime.HeapMisaligned:
			return "trap: misaligned memory access"
		}
	}
	return "trap: " + firstLine(t.Message())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// shadowNondeterminism replaces WASI's clocks and random numbers with
// deterministic ones: fixed-step clocks and a ChaCha8 stream from the seed.
// poll_oneoff is replaced too (see pollOneoff): sleeping costs no real time
// and shows none.
func shadowNondeterminism(linker *wasmtime.Linker, seed uint64) error {
	var clocks [4]uint64 // realtime, monotonic, process and thread CPU time
	clocks[0] = realtimeStart
	err := linker.FuncWrap(wasiModule, "clock_time_get", func(c *wasmtime.Caller, id int32, _ int64, ptr int32) int32 {
		if id < 0 || int(id) >= len(clocks) {
			return errnoInval
		}
		v := clocks[id]
		clocks[id] += clockStep
		return putBytes(c, ptr, binary.LittleEndian.AppendUint64(nil, v))
	})
	if err != nil {
		return err
	}
	err = linker.FuncWrap(wasiModule, "clock_res_get", func(c *wasmtime.Caller, id int32, ptr int32) int32 {
		if id < 0 || int(id) >= len(clocks) {
			return errnoInval
		}
		return putBytes(c, ptr, binary.LittleEndian.AppendUint64(nil, clockStep))
	})
	if err != nil {
		return err
	}

	err = linker.FuncWrap(wasiModule, "poll_oneoff", func(c *wasmtime.Caller, in, out, nsubs, neventsPtr int32) int32 {
		return pollOneoff(memoryOf(c), &clocks, in, out, nsubs, neventsPtr)
	})
	if err != nil {
		return err
	}

	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	s = sha256.Sum256(append([]byte("idlenode sandbox seed\x00"), s[:8]...))
	rng := rand.NewChaCha8(s)
	return linker.FuncWrap(wasiModule, "random_get", func(c *wasmtime.Caller, ptr, n int32) int32 {
		if n < 0 {
			return errnoInval
		}
		dst, ok := span(memoryOf(c), ptr, int64(n))
		if !ok {
			return errnoFault
		}
		_, _ = rng.Read(dst)
		return errnoSuccess
	})
}

// memoryOf is the caller's exported memory, or nil.
func memoryOf(c *wasmtime.Caller) []byte {
	ex := c.GetExport("memory")
	if ex == nil || ex.Memory() == nil {
		return nil
	}
	return ex.Memory().UnsafeData(c)
}

// putBytes copies b into the caller's memory at ptr.
func putBytes(c *wasmtime.Caller, ptr int32, b []byte) int32 {
	dst, ok := span(memoryOf(c), ptr, int64(len(b)))
	if !ok {
		return errnoFault
	}
	copy(dst, b)
	return errnoSuccess
}
