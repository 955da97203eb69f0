// Package sandbox runs untrusted WebAssembly jobs (WASI preview 1) with
// wasmtime in a child process of the node, so that they can be suspended,
// throttled, capped and killed without touching the node itself.
//
// # Processes
//
// Runner.Start launches `idlenode sandbox child` (Runner.Command) with an
// empty environment. The parent writes the run's configuration as JSON to
// the child's stdin; the child's stdout and stderr are pipes carrying the
// module's stdout (copied to Spec.OutputPath and cut at the output limit)
// and stderr (capped at StderrCap). The child leaves its verdict in a
// status file in a private folder outside the module's reach, so a module
// cannot forge it. `idlenode sandbox exec` is a thin CLI over the same API.
//
// # Deny by default, deterministic
//
//   - Files: only the scratch folder, preopened as "/" (and so also the
//     working directory); ".." cannot leave it. No host environment
//     variables, no sockets, argv is "job.wasm" plus Spec.Args.
//   - Clocks: wasi_snapshot_preview1.clock_time_get and clock_res_get are
//     shadowed in the linker. Every clock starts at a fixed value (real
//     time at 2020-01-01T00:00:00Z, the others at 0) and advances 1 ms per
//     read, so a module sees time pass but learns nothing of the host.
//     poll_oneoff is shadowed as well: a sleep (clock subscriptions only)
//     moves the clocks to the earliest deadline at once instead of
//     waiting, so sleeping costs no real time and shows none; descriptor
//     subscriptions (files and pipes, always ready) are reported ready.
//   - Random numbers: random_get is shadowed by a ChaCha8 stream keyed by
//     sha256 of Spec.Seed.
//   - Floats: a NaN's sign and payload are the one thing WebAssembly
//     leaves to the CPU (x86 and Arm differ). Before compiling, the module
//     is rewritten (package instrument) so that every float a job can see
//     the bits of (stored to memory, reinterpreted as an integer, used as
//     copysign's sign, put into or computed in a vector) is the canonical
//     NaN when it is a NaN. This is as deterministic as Cranelift's own
//     NaN canonicalisation at a fraction of its cost: it checks values
//     where they become visible instead of after every float operation
//     (Mandelbrot: 1.06x native instead of 2.9x). Relaxed SIMD is
//     deterministic; threads, GC, typed function references, memory64 and
//     wide arithmetic are off, and a module using an instruction the rewrite
//     does not know (exceptions, for one) is refused as "module not
//     supported". The same module, input, arguments and seed give the
//     same output bytes on every machine and every run.
//
// Only imports from wasi_snapshot_preview1 that wasmtime defines are
// accepted; a module must export _start.
//
// # Limits and control
//
//   - Memory: the store's limiter caps linear memory at Spec.MemoryMB by
//     refusing memory.grow. The limiter cannot report a refusal, so the
//     module is instrumented to record it (package instrument): a module
//     that fails (traps or exits non-zero) after a refused memory.grow
//     that its own maximum allowed is reported as KindMemory; one that
//     copes with the refusal and exits 0 succeeds. On Linux the child also caps itself with
//     RLIMIT_DATA (what it has mapped after compiling, plus the limit, plus
//     256 MB for the engine): the Go runtime reserves address space with
//     PROT_NONE mappings, which RLIMIT_DATA does not count (RLIMIT_AS would
//     break both it and wasmtime's guard regions). On Windows the parent
//     puts the child in a job object with a process memory limit (the limit
//     plus 1 GB for the compiler and runtime).
//   - Time: the parent kills the child when it has run Spec.Timeout
//     (compiling included), not counting time suspended (by Suspend or the duty cycle). No fuel and
//     no epoch checks, so the limit costs the job nothing.
//   - Output: the parent keeps exactly MaxOutputMB of stdout, then kills.
//   - Scratch: the parent sums the scratch folder every 100 ms and kills
//     past ScratchMB; on Unix RLIMIT_FSIZE also caps each file at ScratchMB
//     so one file cannot outrun the check.
//   - Priority: Linux puts every thread of the child at nice 19 and
//     SCHED_IDLE; other Unixes nice 20; Windows IDLE_PRIORITY_CLASS.
//   - Suspend/Resume: SIGSTOP/SIGCONT on Unix, on Linux also aimed at each
//     thread, so the thread running the module is interrupted at once
//     instead of waiting for the thread the kernel picks to handle a
//     process-wide stop to get a CPU (at the lowest priority on a busy
//     machine, measured up to 200 ms); NtSuspendProcess and
//     NtResumeProcess on Windows. SetDutyCycle(p) alternates running and
//     stopped slices of a 100 ms period.
//   - Result: CPU seconds (user+system), wall seconds, peak resident memory
//     (ru_maxrss; the job object's peak on Windows), output bytes.
//
// # Compile cache
//
// Compiled modules (native code) are cached in Runner.CacheDir under
// sha256(module) and a fingerprint of the engine version and settings,
// the rewrite's version included (EngineID): NAME.cwasm is the engine's
// serialised module, NAME.mac its
// HMAC-SHA256 (over 1 MiB chunk hashes, computed in parallel) under a
// random key kept in the folder (cache.key, 0600). The folder is 0700 and
// must belong to this user (a looser mode is tightened, a symlink or a
// foreign owner refused). An entry whose MAC does not verify is deleted
// and the module recompiled: it is never handed to the engine. A verified
// entry is loaded through the descriptor that was checked
// (/proc/self/fd/N), so a rename in between cannot swap it. Files are
// written atomically (temp file, fsync, rename).
//
// # Checkpoints
//
// Jobs that run long should save progress in files named checkpoint* at
// the top of their scratch folder (their working directory). When the
// worker gives Spec.ScratchDir, that folder is kept: Start removes
// everything in it except checkpoint* entries, so a job suspended, killed
// and started again later (on this node) finds its checkpoints and
// continues. Write checkpoints atomically, e.g. to checkpoint.tmp and
// rename it to checkpoint: a half-written checkpoint.tmp survives too, and
// the job must ignore it. Checkpoints count toward the scratch limit. With
// no ScratchDir the folder is private and removed when the run ends.
//
// # CLI exit status
//
// 0 the module exited 0; 1 the sandbox itself failed; 2 usage; 10 memory
// limit; 11 time limit; 12 output limit; 13 scratch limit; 14 the module
// exited non-zero; 15 trap; 16 invalid module; 17 killed
// (FailureKind.ExitCode).
package sandbox
