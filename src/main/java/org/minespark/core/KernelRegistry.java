package org.minespark.core;

import java.util.List;

/** Maps backend names to implementations; the single place that knows the list. */
final class KernelRegistry {
    static final List<String> NAMES = List.of("vector", "native-blas", "scalar");

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
                // until the Vector API backend lands, the scalar reference serves
                return ScalarKernels.INSTANCE;
            case "native-blas":
                throw new IllegalStateException("kernels 'native-blas' is not available in this build");
            default:
                throw new IllegalArgumentException("kernels: unknown backend '" + name + "'; expected one of " + NAMES);
        }
    }
}
