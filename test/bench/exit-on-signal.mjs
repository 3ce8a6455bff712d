// Preloaded only when profiling (BENCH_CPU_PROF): a plain exit on SIGUSR2 lets --cpu-prof write its file.
process.on('SIGUSR2', () => process.exit(0));
