package org.minespark.job;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * All-or-nothing output directory: everything is written into a temporary sibling
 * {@code NAME.tmp-<random>} and renamed to {@code NAME} by {@link #commit()}, so a reader never
 * sees a half-written result. The temporary directory is created at the first write (its creation
 * is probed when the output is opened), so a run that dies before it has a result leaves nothing. With {@code overwrite}, an existing {@code NAME} is replaced only
 * after the new one is complete (moved aside, new one renamed in, old one deleted). If
 * {@link #close()} runs before {@link #commit()}, the temporary directory is deleted.
 *
 * <p>Works on any Hadoop file system (local, HDFS, object stores with the usual rename caveats);
 * on the local file system the raw file system is used so that no {@code .crc} side files appear.
 * Not thread-safe.
 */
final class OutputDir implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path tmp;
    private final boolean overwrite;
    private boolean committed;
    private boolean created;

    private OutputDir(FileSystem fs, Path target, Path tmp, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.tmp = tmp;
        this.overwrite = overwrite;
    }

    /** The file system of {@code path}, raw when local. */
    static FileSystem fileSystem(String path, Configuration conf) {
        try {
            FileSystem fs = new Path(path).getFileSystem(conf);
            return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
        } catch (IOException e) {
            throw new OutputException("cannot access the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the target and creates the temporary directory.
     *
     * @throws OutputException if {@code target} exists and {@code overwrite} is false, or the
     *                         temporary directory cannot be created
     */
    static OutputDir begin(FileSystem fs, String target, boolean overwrite, String flag) {
        Path t = fs.makeQualified(new Path(target));
        try {
            if (fs.exists(t) && !overwrite) {
                throw new OutputException(flag + " " + target + " already exists; pass --overwrite to replace it");
            }
            Path parent = t.getParent();
            if (parent == null) {
                throw new OutputException(flag + " " + target + ": cannot write to the root directory");
            }
            Path tmp = new Path(parent, t.getName() + ".tmp-" + randomSuffix());
            // probe now (fail before any work), create for real at the first write: a run killed
            // before it has a result (e.g. a SIGKILLed driver mid-training) leaves nothing behind
            if (!fs.mkdirs(tmp)) {
                throw new OutputException(flag + " " + target + ": cannot create " + tmp);
            }
            fs.delete(tmp, true);
            return new OutputDir(fs, t, tmp, overwrite);
        } catch (IOException e) {
            throw new OutputException(flag + " " + target + " is not writable: " + e.getMessage(), e);
        }
    }

    private static String randomSuffix() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL);
    }

    /** The temporary directory to write into (created on first use). */
    Path tmp() {
        if (!created) {
            try {
                if (!fs.mkdirs(tmp)) {
                    throw new OutputException("cannot create " + tmp);
                }
            } catch (IOException e) {
                throw new OutputException("cannot create " + tmp + ": " + e.getMessage(), e);
            }
            created = true;
        }
        return tmp;
    }

    /** The final location. */
    Path target() {
        return target;
    }

    FileSystem fs() {
        return fs;
    }

    /** Writes {@code text} as UTF-8 into {@code tmp()/name}. */
    void writeText(String name, String text) {
        writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(String name, byte[] bytes) {
        try (OutputStream os = fs.create(new Path(tmp(), name), true)) {
            os.write(bytes);
        } catch (IOException e) {
            throw new OutputException("cannot write " + new Path(tmp, name) + ": " + e.getMessage(), e);
        }
    }

    /** Moves the finished temporary directory to the target (replacing it with overwrite). */
    void commit() {
        try {
            Path old = null;
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new OutputException(target + " appeared while the job ran; pass --overwrite to replace it");
                }
                old = new Path(target.getParent(), target.getName() + ".old-" + randomSuffix());
                if (!fs.rename(target, old)) {
                    throw new OutputException("cannot move the existing " + target + " aside to " + old);
                }
            }
            if (!fs.rename(tmp(), target)) {
                if (old != null) {
                    fs.rename(old, target);
                }
                throw new OutputException("cannot rename " + tmp + " to " + target);
            }
            committed = true;
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new OutputException("cannot move the result into " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the temporary directory unless committed. Never throws. */
    @Override
    public void close() {
        if (!committed && created) {
            try {
                fs.delete(tmp, true);
            } catch (IOException | RuntimeException e) {
                // best effort: the tmp dir name says what it is
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "OutputDir{%s via %s}", target, tmp);
    }
}
