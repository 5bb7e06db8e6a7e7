/**
 * Benchmarks kept out of the maths layer: workload W ({@link org.minespark.bench.KernelBench}),
 * timed on the production training step of {@code org.minespark.core}, and the machine's FMA peak
 * ({@link org.minespark.bench.FmaPeak}) that W's GFLOP/s are compared against. Depends on
 * {@code core} only; nothing in {@code core}, {@code spark} or {@code api} depends on it (the
 * {@code bench} command of {@code job} uses it). See docs/benchmarks.md.
 */
package org.minespark.bench;
