package org.minespark.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.minespark.core.Bound;
import org.minespark.core.CriticShape;
import org.minespark.core.FloatBlock;
import org.minespark.core.Kernels;
import org.minespark.core.MultiPairWorker;
import org.minespark.core.Seeds;
import org.minespark.core.StepAggregate;

/**
 * The synchronous data-parallel steps of a pass of N critics, on one of two trainers
 * ({@code --trainer}): {@code stream} runs a segment of steps as one barrier stage
 * ({@link StreamTrainer#runSegment}: weights out and aggregates back over open connections),
 * {@code jobs} runs one Spark job per step. For step s every partition p draws from the stream
 * (seed, TRAIN, s, p) through {@link MultiPairWorker#trainStep} and returns every critic's
 * {@link org.minespark.core.StepAggregate}; the driver merges them in partition order. Both
 * trainers do the same arithmetic in the same order: the same weights bit for bit.
 */
final class PassSteps {
    /** One long-lived barrier stage per segment of steps ({@link StreamTrainer}). */
    static final String STREAM = "stream";
    /** One Spark job per step. */
    static final String JOBS = "jobs";
    /**
     * Up to this many partitions the jobs trainer collects the step aggregates and merges them in
     * partition order (bit-reproducible); beyond it a tree reduce bounds the driver's memory.
     */
    static final int MAX_COLLECTED_PARTITIONS = 64;

    /** The driver's view of the critics of a pass. */
    interface Critics {
        /** Critic m's current weights (live arrays), or null when its training is over. */
        float[][] weights(int m);

        /** Critic m's global batch for the next step. */
        int batch(int m);

        /** Whether any critic still trains. */
        boolean anyActive();

        /** All partitions' aggregates of {@code step} are merged (per critic): update and report. */
        void afterStep(int step, StepAggregate[] merged, long stepNanos);
    }

    private final String trainer;
    private final JavaRDD<FloatBlock> blocks;
    private final CriticShape[] shapes;
    private final Task task;
    private final int parts;
    private final StreamTrainer stream;

    PassSteps(String trainer, JavaRDD<FloatBlock> blocks, CriticShape[] shapes, int[][] xDims, int[][] yDims,
              String kernels, Bound bound, long seed, long key) {
        this(trainer, blocks, shapes, xDims, yDims, new int[shapes.length], kernels, bound, seed, key);
    }

    /** As above, critic m being replicate {@code replicates[m]} of its pair ({@link MultiPairWorker#replicateStream}). */
    PassSteps(String trainer, JavaRDD<FloatBlock> blocks, CriticShape[] shapes, int[][] xDims, int[][] yDims,
              int[] replicates, String kernels, Bound bound, long seed, long key) {
        if (!STREAM.equals(trainer) && !JOBS.equals(trainer)) {
            throw new IllegalArgumentException("trainer must be stream or jobs, got '" + trainer + "'");
        }
        this.trainer = trainer;
        this.blocks = blocks;
        this.shapes = shapes;
        this.task = new Task(shapes, xDims, yDims, replicates, kernels, bound, seed, key);
        this.parts = blocks.getNumPartitions();
        this.stream = STREAM.equals(trainer) ? new StreamTrainer(blocks) : null;
    }

    /** The stream trainer, for tests that inject a task failure. */
    StreamTrainer streamTrainer() {
        return stream;
    }

    String trainer() {
        return trainer;
    }

    /** Partition p's share of a global batch (as {@link Engine#splitBatch}). */
    static int share(int batch, int parts, int p) {
        return batch / parts + (p < batch % parts ? 1 : 0);
    }

    /** Runs steps {@code from, ..., to - 1} (the jobs trainer stops early once no critic trains). */
    void run(int from, int to, Critics critics) {
        if (stream != null) {
            stream.runSegment(from, to, new Driver(critics), task);
            return;
        }
        for (int s = from; s < to && critics.anyActive(); s++) {
            jobsStep(s, critics);
        }
    }

    private static int[] offsets(CriticShape[] shapes) {
        int[] o = new int[shapes.length + 1];
        for (int m = 0; m < shapes.length; m++) {
            o[m + 1] = o[m] + (int) shapes[m].numParams();
        }
        return o;
    }

    private static int answerBytes(CriticShape[] shapes) {
        int b = 0;
        for (CriticShape s : shapes) {
            b += StepAggregate.wireBytes((int) s.numParams());
        }
        return b;
    }

    /** One step as one Spark job: the weights and batches travel in the task closure. */
    private void jobsStep(int s, Critics critics) {
        int n = shapes.length;
        long w0 = System.nanoTime();
        float[][][] params = new float[n][][];
        int[] batch = new int[n];
        for (int m = 0; m < n; m++) {
            float[][] w = critics.weights(m);
            if (w != null) {
                params[m] = new float[w.length][];
                for (int t = 0; t < w.length; t++) {
                    params[m][t] = w[t].clone();
                }
                batch[m] = critics.batch(m);
            }
        }
        final Task task = this.task;
        final int np = parts;
        final int step = s;
        JavaRDD<StepAggregate[]> aggs = blocks.mapPartitionsWithIndex((pi, it) -> {
            long c0 = System.nanoTime();
            MultiPairWorker w = task.worker();
            StepAggregate[] out = task.zeros();
            int[] share = new int[n];
            for (int m = 0; m < n; m++) {
                share[m] = share(batch[m], np, pi);
            }
            try {
                while (it.hasNext()) {
                    StepAggregate[] a = w.trainStep(it.next(), params, share, Seeds.derive(task.seed, Engine.TRAIN, step, pi));
                    for (int m = 0; m < n; m++) {
                        out[m].merge(a[m]);
                    }
                }
            } finally {
                MultiPairWorker.release(task.key, w);
            }
            if (n > 0) {
                out[0].recordComputeNanos(System.nanoTime() - c0);
            }
            return Collections.singletonList(out).iterator();
        }, false);
        StepAggregate[] merged = Merge.ordered(aggs, task.zeros(), (a, b) -> {
            for (int m = 0; m < a.length; m++) {
                a[m] = a[m].merge(b[m]);
            }
            return a;
        }, MAX_COLLECTED_PARTITIONS);
        critics.afterStep(s, merged, System.nanoTime() - w0);
    }

    /**
     * The stream trainer's driver side. Weights message: one int per critic (its global batch; 0 =
     * over, its critic is skipped), then every training critic's weights at the critic's fixed
     * offset; answer: every critic's {@link StepAggregate} wire form, in critic order (an over
     * critic's is empty).
     */
    private final class Driver implements StreamTrainer.DriverSide {
        private final Critics critics;
        private final int n = shapes.length;
        private final int[] offset = offsets(shapes);
        private final StepAggregate[] scratch = task.zeros();
        private StepAggregate[] merged;
        private byte[] msg;
        private ByteBuffer head;
        private FloatBuffer floats;

        Driver(Critics critics) {
            this.critics = critics;
        }

        @Override
        public int weightBytes() {
            return 4 * n + 4 * offset[n];
        }

        @Override
        public int aggBytes() {
            return answerBytes(shapes);
        }

        @Override
        public void writeWeights(byte[] m) {
            if (m != msg) {
                msg = m;
                head = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
                floats = ByteBuffer.wrap(m, 4 + 4 * n, 4 * offset[n]).slice().order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer();
            }
            for (int p = 0; p < n; p++) {
                float[][] w = critics.weights(p);
                head.putInt(4 + 4 * p, w == null ? 0 : critics.batch(p));
                if (w != null) {
                    floats.position(offset[p]);
                    for (float[] t : w) {
                        floats.put(t);
                    }
                }
            }
        }

        @Override
        public void beginStep() {
            merged = task.zeros();
        }

        @Override
        public void merge(ByteBuffer b) {
            for (int m = 0; m < n; m++) {
                scratch[m].readWire(b);
                merged[m] = merged[m].merge(scratch[m]);
            }
        }

        @Override
        public void endStep(int step, long stepNanos) {
            critics.afterStep(step, merged, stepNanos);
        }
    }

    /** The task side of both trainers: per step, every critic's aggregate of one partition. */
    private static final class Task implements StreamTrainer.TaskSide {
        private static final long serialVersionUID = 1L;
        private final CriticShape[] shapes;
        private final int[][] xDims;
        private final int[][] yDims;
        private final int[] replicates;
        private final String kernels;
        private final Bound bound;
        private final long seed;
        private final long key;

        Task(CriticShape[] shapes, int[][] xDims, int[][] yDims, int[] replicates, String kernels, Bound bound, long seed,
             long key) {
            this.shapes = shapes;
            this.xDims = xDims;
            this.yDims = yDims;
            this.replicates = replicates;
            this.kernels = kernels;
            this.bound = bound;
            this.seed = seed;
            this.key = key;
        }

        MultiPairWorker worker() {
            return MultiPairWorker.acquire(key, () -> new MultiPairWorker(shapes, xDims, yDims, Kernels.forName(kernels),
                    bound, replicates));
        }

        StepAggregate[] zeros() {
            StepAggregate[] z = new StepAggregate[shapes.length];
            for (int m = 0; m < z.length; m++) {
                z[m] = new StepAggregate((int) shapes[m].numParams());
            }
            return z;
        }

        @Override
        public int weightBytes() {
            return 4 * shapes.length + 4 * offsets(shapes)[shapes.length];
        }

        @Override
        public int aggBytes() {
            return answerBytes(shapes);
        }

        @Override
        public StreamTrainer.TaskStep open(int p, List<FloatBlock> mine, int parts) {
            int n = shapes.length;
            int[] offset = offsets(shapes);
            float[][][] weights = new float[n][][];
            for (int m = 0; m < n; m++) {
                weights[m] = shapes[m].zeros();
            }
            float[][][] params = new float[n][][];
            int[] share = new int[n];
            StepAggregate[] acc = mine.size() > 1 ? zeros() : null;
            MultiPairWorker w = worker();
            return new StreamTrainer.TaskStep() {
                private byte[] src;
                private ByteBuffer head;
                private FloatBuffer floats;

                @Override
                public void compute(int step, byte[] wmsg, ByteBuffer out) {
                    if (wmsg != src) {
                        src = wmsg;
                        head = ByteBuffer.wrap(wmsg).order(ByteOrder.LITTLE_ENDIAN);
                        floats = ByteBuffer.wrap(wmsg, 4 * n, 4 * offset[n]).slice().order(ByteOrder.LITTLE_ENDIAN)
                                .asFloatBuffer();
                    }
                    for (int m = 0; m < n; m++) {
                        int b = head.getInt(4 * m);
                        if (b != 0) {
                            floats.position(offset[m]);
                            for (float[] t : weights[m]) {
                                floats.get(t);
                            }
                            params[m] = weights[m];
                        } else {
                            params[m] = null;
                        }
                        share[m] = share(b, parts, p);
                    }
                    long c0 = System.nanoTime();
                    long stream = Seeds.derive(seed, Engine.TRAIN, step, p);
                    StepAggregate[] res;
                    if (acc == null) {
                        res = mine.isEmpty() ? zeros() : w.trainStep(mine.get(0), params, share, stream);
                    } else {
                        for (StepAggregate a : acc) {
                            a.clear();
                        }
                        for (FloatBlock b : mine) {
                            StepAggregate[] a = w.trainStep(b, params, share, stream);
                            for (int m = 0; m < n; m++) {
                                acc[m].merge(a[m]);
                            }
                        }
                        res = acc;
                    }
                    if (n > 0) {
                        res[0].recordComputeNanos(System.nanoTime() - c0);
                    }
                    for (StepAggregate a : res) {
                        a.writeWire(out);
                    }
                }

                @Override
                public void close() {
                    MultiPairWorker.release(key, w);
                }
            };
        }
    }
}
