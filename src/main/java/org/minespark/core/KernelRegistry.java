package org.minespark.core;

import java.util.List;

/** Maps backend names to implementations; the single place that knows the list. */
final class KernelRegistry {
    static final List<String> NAMES = List.of("vector", "native-blas", "scalar");

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private KernelRegistry() {
    }

    static Kernels forName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("kernels: no backend name given; expected one of " + NAMES);
        }
        switch (name) {
            case "scalar":
                return ScalarKernels.INSTANCE;
            case "vector":
                if (!vectorApiAvailable()) {
                    throw new IllegalStateException("kernels 'vector' needs the incubating Vector API: start the JVM "
                            + "with --add-modules " + VECTOR_MODULE + " (spark-submit adds it on Spark 4), "
                            + "or use kernels 'scalar'");
                }
                return VectorKernels.INSTANCE;
            case "native-blas":
                return NativeBlasKernels.create();
            default:
                throw new IllegalArgumentException("kernels: unknown backend '" + name + "'; expected one of " + NAMES);
        }
    }

    /** Whether the {@code jdk.incubator.vector} module is resolved in this JVM. */
    static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }
}
