package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minespark.spec.MineSpec;

/** {@code mine.data.x-shape} / {@code y-shape}: into the spec, validated with the flag and key named. */
class TensorConfigTest {
    private static MineSpec spec(Map<String, Object> flags) {
        var c = MineConfig.merge(ConfigFactory.empty(), flags);
        return MineConfig.withShapes(c, MineConfig.toSpec(c, List.of("x"), List.of("y")));
    }

    @Test
    void withShapes_defaultEmpty_leavesPlainRows() {
        MineSpec s = spec(Map.of());
        assertEquals(List.of(), s.xShape());
        assertEquals(List.of(), s.yShape());
        assertEquals(1, s.positions());
    }

    @Test
    void withShapes_keys_setTheSpec() {
        MineSpec s = spec(Map.of(MineConfig.X_SHAPE, List.of(96, 7), MineConfig.Y_SHAPE, List.of(96, 3)));
        assertEquals(List.of(96, 7), s.xShape());
        assertEquals(List.of(96, 3), s.yShape());
        assertEquals(96, s.positions());
        assertTrue(s.toString().contains("xShape=[96, 7], yShape=[96, 3]"), s.toString());
        assertEquals(List.of(), spec(Map.of(MineConfig.Y_SHAPE, List.of(4, 2))).xShape());
        assertEquals(4, spec(Map.of(MineConfig.Y_SHAPE, List.of(4, 2))).positions());
    }

    @Test
    void withShapes_badValues_nameFlagKeyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(Map.of(MineConfig.X_SHAPE, List.of(96, 7, 1))));
        assertTrue(e.getMessage().startsWith("--x-shape / mine.data.x-shape: expected P,D (positions and values per"
                + " position), got 96,7,1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> spec(Map.of(MineConfig.Y_SHAPE, List.of(0, 7))));
        assertTrue(e.getMessage().startsWith("--y-shape / mine.data.y-shape: y-shape must be positions,dim"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> spec(Map.of(MineConfig.X_SHAPE, List.of(8, 7), MineConfig.Y_SHAPE, List.of(4, 14))));
        assertTrue(e.getMessage().contains("x and y must have the same positions"), e.getMessage());
    }
}
