package org.minespark.spec;

/**
 * Training failed: it diverged (non-finite or exploding values) at the requested learning rate and
 * again on the one retry from scratch at a lower rate. The message names the learning rates tried,
 * what went wrong and what to change; no estimate is produced.
 */
public final class MineTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MineTrainingException(String message) {
        super(message);
    }
}
