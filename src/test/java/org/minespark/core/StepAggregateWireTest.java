package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The stream trainer's wire form of a step aggregate must carry exactly what Java serialisation
 * (the one-job-per-step trainer's task result) carries, so both trainers merge the same numbers.
 */
class StepAggregateWireTest {
    private static final CriticShape SHAPE = new CriticShape(3, 2, new int[] {5, 4});

    private static StepAggregate sample(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StepAggregate a = new StepAggregate((int) SHAPE.numParams());
        for (int part = 0; part < 2; part++) {
            float[][] gj = SHAPE.zeros();
            float[][] gm = SHAPE.zeros();
            for (int t = 0; t < gj.length; t++) {
                for (int i = 0; i < gj[t].length; i++) {
                    gj[t][i] = (float) r.nextGaussian();
                    gm[t][i] = (float) r.nextGaussian();
                }
            }
            a.addJoint(10 + part, r.nextGaussian(), gj);
            a.addMarginal(10 + part, r.nextGaussian(), 1 + r.nextDouble(), gm);
            a.addRowTerms(r.nextGaussian());
        }
        a.recordComputeNanos(123_456_789L);
        return a;
    }

    private static void assertSameBits(StepAggregate a, StepAggregate b) {
        assertEquals(a.nJoint(), b.nJoint());
        assertEquals(a.nMarg(), b.nMarg());
        assertEquals(Double.doubleToRawLongBits(a.sumTJoint()), Double.doubleToRawLongBits(b.sumTJoint()));
        assertEquals(Double.doubleToRawLongBits(a.sumRowTerms()), Double.doubleToRawLongBits(b.sumRowTerms()),
                "InfoNCE's row terms travel too");
        assertEquals(Double.doubleToRawLongBits(a.maxMarg()), Double.doubleToRawLongBits(b.maxMarg()));
        assertEquals(Double.doubleToRawLongBits(a.sumExpMarg()), Double.doubleToRawLongBits(b.sumExpMarg()));
        assertEquals(a.computeNanos(), b.computeNanos());
        assertArrayEquals(a.gradJoint(), b.gradJoint(), 0.0);
        assertArrayEquals(a.gradMarg(), b.gradMarg(), 0.0);
    }

    @Test
    void readWire_afterWriteWire_equalsJavaSerialisationBitForBit() throws Exception {
        StepAggregate a = sample(3);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(bos)) {
            oos.writeObject(a);
        }
        StepAggregate viaJava;
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
            viaJava = (StepAggregate) ois.readObject();
        }
        int n = (int) SHAPE.numParams();
        ByteBuffer buf = ByteBuffer.allocate(StepAggregate.wireBytes(n)).order(ByteOrder.LITTLE_ENDIAN);
        a.writeWire(buf);
        assertEquals(buf.capacity(), buf.position(), "wireBytes is the exact size");
        buf.flip();
        StepAggregate viaWire = sample(99); // overwritten completely
        viaWire.readWire(buf);
        assertSameBits(viaJava, viaWire);
        // the gradients were rounded to float32 (not carried as doubles)
        assertEquals((double) (float) a.gradMarg()[1], viaWire.gradMarg()[1], 0.0);
    }

    @Test
    void clear_givesTheEmptyAggregate() {
        StepAggregate a = sample(5);
        a.clear();
        assertSameBits(new StepAggregate((int) SHAPE.numParams()), a);
        StepAggregate b = sample(6);
        assertSameBits(new StepAggregate((int) SHAPE.numParams()).merge(b), a.merge(b));
    }
}
