package org.minespark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FMA peak loop's arithmetic and flop count (no timed assertions), and the CPU model lookup. */
class FmaPeakTest {

    @Test
    void flops_twoPerLanePerFma() {
        // 2 FLOP x lanes x 12 accumulators x iterations x threads
        assertEquals(2.0 * 16 * 12 * 1000 * 2, FmaPeak.flops(1000, 2, 16));
        assertEquals(2.0 * 8 * FmaPeak.ACCUMULATORS * 3, FmaPeak.flops(3, 1, 8));
        assertEquals(FmaPeak.SPECIES.vectorBitSize() / 32, FmaPeak.lanes());
        assertEquals(FmaPeak.lanes() * 32, FmaPeak.vectorBits());
    }

    @Test
    void kernel_computesTheRecurrenceInEveryLane() {
        for (int iterations : new int[] {0, 1, 3, 7}) {
            double expected = 0;
            for (int acc = 0; acc < FmaPeak.ACCUMULATORS; acc++) {
                float a = acc;
                for (int i = 0; i < iterations; i++) {
                    a = Math.fma(a, FmaPeak.MUL, FmaPeak.ADD);
                }
                expected += a;
            }
            // dyadic values with few bits: every sum is exact, whatever the order
            assertEquals(expected * FmaPeak.lanes(), FmaPeak.kernel(iterations), 0.0, "iterations=" + iterations);
        }
        // converges to ADD / (1 - MUL) = 2 per lane and accumulator: finite, never subnormal
        assertEquals(2.0 * FmaPeak.ACCUMULATORS * FmaPeak.lanes(), FmaPeak.kernel(200), 0.0);
    }

    @Test
    void measure_finitePositive() {
        for (int threads = 1; threads <= 2; threads++) {
            FmaPeak.Result r = FmaPeak.measure(threads, 0.0, 2, 0.005);
            assertTrue(Double.isFinite(r.gflops()) && r.gflops() > 0 && r.gflops() >= r.medianGflops(), r.toString());
            assertEquals(threads, r.threads());
            assertTrue(r.iterationsPerThread() >= 1_000, r.toString());
        }
    }

    @Test
    void measure_badArguments_throwIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(0, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(1, 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(1, -1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(1, 0.0, 1, 0.0));
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(1, Double.NaN, 1));
    }

    @Test
    void cpuModel_firstModelName_orNull(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9454\n"
                + "processor\t: 1\nmodel name\t: other\n");
        assertEquals("AMD EPYC 9454", Machine.cpuModel(f));
        Files.writeString(f, "processor\t: 0\nBogoMIPS\t: 50.00\n");
        assertNull(Machine.cpuModel(f));
        assertNull(Machine.cpuModel(dir.resolve("missing")));
    }

    @Test
    void vectorFlags_x86AndArm_inFixedOrder(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nflags\t\t: fpu sse2 avx512f fma avx avx2 avx512vl avx512bw\n"
                + "processor\t: 1\nflags\t\t: fpu\n");
        assertEquals(java.util.List.of("avx", "avx2", "fma", "avx512f", "avx512vl"), Machine.vectorFlags(f));
        Files.writeString(f, "processor\t: 0\nFeatures\t: fp asimd evtstrm aes sve\n");
        assertEquals(java.util.List.of("asimd", "sve"), Machine.vectorFlags(f));
        assertEquals(java.util.List.of(), Machine.vectorFlags(dir.resolve("missing")));
    }
}
