package org.minespark.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Java API ({@code org.minespark.api} and its subpackages, e.g. the ML adapter
 * {@code org.minespark.api.ml}) declares no Scala type in a public signature: no {@code scala.*}
 * type (Seq, Tuple2, Option, ClassTag, Function1, ...) in a parameter, return type, generic
 * argument or public field. Methods that override a method of a supertype outside this project
 * (Spark's {@code copy(ParamMap)}, {@code fit(Dataset)}, ...) keep Spark's signature and are not
 * ours to choose; they are skipped.
 */
class ScalaFreeApiTest {

    @Test
    void apiPackages_publicSignaturesHaveNoScalaTypes() throws Exception {
        List<String> bad = new ArrayList<>();
        int checked = 0;
        for (JavaClass jc : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.minespark.api")) {
            Class<?> c = Class.forName(jc.getName());
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge() || overridesForeign(c, m)) {
                    continue;
                }
                checked++;
                List<Type> types = new ArrayList<>(Arrays.asList(m.getGenericParameterTypes()));
                types.add(m.getGenericReturnType());
                check(bad, c.getName() + "." + m.getName(), types);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers()) && !k.isSynthetic()) {
                    checked++;
                    check(bad, c.getName() + ".<init>", Arrays.asList(k.getGenericParameterTypes()));
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    checked++;
                    check(bad, c.getName() + "." + f.getName(), List.of(f.getGenericType()));
                }
            }
        }
        assertTrue(checked > 100, "found only " + checked + " public members: is the API on the class path?");
        assertTrue(bad.isEmpty(), "Scala types in public API signatures:\n" + String.join("\n", bad));
    }

    @Test
    void mlAdapter_isCovered() throws Exception {
        // the scan above must see the adapter's own methods, e.g. the setters returning the estimator
        Method m = Class.forName("org.minespark.api.ml.MineEstimator").getMethod("setXCols", String[].class);
        assertTrue(!overridesForeign(m.getDeclaringClass(), m));
    }

    private static void check(List<String> bad, String where, List<Type> types) {
        for (Type t : types) {
            if (t.getTypeName().contains("scala.")) {
                bad.add(where + ": " + t.getTypeName());
            }
        }
    }

    /** Does {@code m} override or implement a method declared by a supertype outside org.minespark? */
    private static boolean overridesForeign(Class<?> c, Method m) {
        if (Modifier.isStatic(m.getModifiers())) {
            return false;
        }
        List<Class<?>> todo = new ArrayList<>();
        if (c.getSuperclass() != null) {
            todo.add(c.getSuperclass());
        }
        todo.addAll(Arrays.asList(c.getInterfaces()));
        while (!todo.isEmpty()) {
            Class<?> s = todo.remove(todo.size() - 1);
            if (!s.getName().startsWith("org.minespark.")) {
                try {
                    s.getDeclaredMethod(m.getName(), m.getParameterTypes());
                    return true;
                } catch (NoSuchMethodException e) {
                    // keep looking
                }
            }
            if (s.getSuperclass() != null) {
                todo.add(s.getSuperclass());
            }
            todo.addAll(Arrays.asList(s.getInterfaces()));
        }
        return false;
    }
}
