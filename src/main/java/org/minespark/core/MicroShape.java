package org.minespark.core;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import com.sun.management.HotSpotDiagnosticMXBean;
import jdk.incubator.vector.FloatVector;

/**
 * The register block of the {@code vector} GEMM micro-kernel: {@code mr} rows x {@code nv} vectors
 * of C held in {@code mr * nv} accumulator registers, plus {@code nv} registers for a step of the
 * packed B sliver and one for a broadcast element of A. Each shape is its own hand-unrolled method
 * in {@code MicroKernel<rows>x<vectors>} (C2 keeps a block in registers only when its shape is constant).
 *
 * <p>Which shape a JVM uses ({@link #forThisCpu()}) depends on the vector register file:
 * <ul>
 *   <li>32 registers (x86 with AVX-512, at any species width since AVX-512VL also gives 256- and
 *       128-bit code 32 registers; aarch64 NEON and SVE): {@link #S6X4}, 24 accumulators + 4 + 1 = 29;</li>
 *   <li>16 registers (x86 without AVX-512, or with the JVM held at {@code -XX:UseAVX=2} or lower):
 *       {@link #S6X2}, 12 + 2 + 1 = 15 (BLIS's sgemm block for Haswell and Zen); the 6 x 4 block
 *       spills on every k step there. {@link #S4X3} (12 + 3 + 1 = 16) is as fast on whole
 *       slivers, but its 3-vector slivers do not divide the critic's power-of-two widths
 *       (docs/benchmarks.md, issue 18).</li>
 * </ul>
 * {@code -Dmine.kernels.shape=6x2} (system property) overrides the choice, for measurements.
 */
enum MicroShape {
    S6X4(6, 4),
    S6X2(6, 2),
    S4X3(4, 3);

    /** The shape of this JVM, chosen once (see the class comment). */
    static final MicroShape CHOSEN = choose();

    /** Rows of the C block. */
    final int mr;
    /** Vectors per row of the C block. */
    final int nv;
    /** Columns of the C block ({@code nv} vectors of the preferred species). */
    final int nr;

    MicroShape(int mr, int nv) {
        this.mr = mr;
        this.nv = nv;
        this.nr = nv * FloatVector.SPECIES_PREFERRED.length();
    }

    /** {@code "6x4"}: rows x vectors. */
    String label() {
        return mr + "x" + nv;
    }

    /** Vector registers the block needs: accumulators, one B step, one broadcast. */
    int registers() {
        return mr * nv + nv + 1;
    }

    /** The shape labelled {@code label} ({@code "6x4"}, {@code "6x2"} or {@code "4x3"}). */
    static MicroShape parse(String label) {
        for (MicroShape s : values()) {
            if (s.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("vector micro-kernel shape '" + label + "': expected one of 6x4, 6x2, 4x3");
    }

    /** The shape for a register file of {@code registers} vector registers. */
    static MicroShape forRegisters(int registers) {
        return registers >= 32 ? S6X4 : S6X2;
    }

    private static MicroShape choose() {
        String forced = System.getProperty("mine.kernels.shape");
        return forced != null && !forced.isBlank() ? parse(forced) : forRegisters(vectorRegisters());
    }

    /**
     * Vector registers the JIT may use for this JVM's species: 32 on aarch64 (NEON, SVE) and on x86
     * when HotSpot runs with AVX-512 ({@code UseAVX >= 3}); 16 on x86 otherwise.
     */
    static int vectorRegisters() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.contains("aarch64") || arch.contains("arm64")) {
            return 32;
        }
        int useAvx = hotSpotUseAvx();
        if (useAvx >= 0) {
            return useAvx >= 3 ? 32 : 16;
        }
        // not HotSpot: a 512-bit species means AVX-512
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 32 : 16;
    }

    /** HotSpot's {@code UseAVX} (0-3), or -1 where it cannot be read (another JVM or CPU). */
    static int hotSpotUseAvx() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs == null ? -1 : Integer.parseInt(hs.getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** For logs and bench: the shape and why, e.g. {@code "4x3 (16 vector registers)"}. */
    static String describeChoice() {
        String forced = System.getProperty("mine.kernels.shape");
        return CHOSEN.label() + (forced != null && !forced.isBlank() ? " (-Dmine.kernels.shape)"
                : " (" + vectorRegisters() + " vector registers)");
    }
}
