package org.minespark.core;

import java.util.List;

/**
 * Maps backend names to implementations; the single place that knows the list. {@code auto} is the
 * faster of {@code vector} and {@code native-blas} on this JVM ({@link AutoKernels}), and
 * {@code vector:<rows>x<vectors>} (e.g. {@code vector:6x2}) the vector backend with a fixed
 * micro-kernel shape ({@link MicroShape}), for measurements.
 */
final class KernelRegistry {
    static final List<String> NAMES = List.of("auto", "vector", "native-blas", "scalar");

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private KernelRegistry() {
    }

    static Kernels forName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("kernels: no backend name given; expected one of " + NAMES);
        }
        if (name.startsWith("vector:")) {
            requireVectorApi();
            return VectorKernels.withShape(MicroShape.parse(name.substring("vector:".length())));
        }
        switch (name) {
            case "auto":
                return AutoKernels.get();
            case "scalar":
                return ScalarKernels.INSTANCE;
            case "vector":
                requireVectorApi();
                return VectorKernels.INSTANCE;
            case "native-blas":
                return NativeBlasKernels.create();
            default:
                throw new IllegalArgumentException("kernels: unknown backend '" + name + "'; expected one of " + NAMES);
        }
    }

    private static void requireVectorApi() {
        if (!vectorApiAvailable()) {
            throw new IllegalStateException("kernels 'vector' needs the incubating Vector API: start the JVM "
                    + "with --add-modules " + VECTOR_MODULE + " (spark-submit adds it on Spark 4), "
                    + "or use kernels 'scalar'");
        }
    }

    /** Whether the {@code jdk.incubator.vector} module is resolved in this JVM. */
    static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }
}
