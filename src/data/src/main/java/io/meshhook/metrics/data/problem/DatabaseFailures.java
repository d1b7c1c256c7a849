package io.meshhook.metrics.data.problem;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;

/** Classifies database failures: which mean "unreachable, retry later" and which are worth retrying at once. */
public final class DatabaseFailures {

    /** Serialization failure and deadlock: the transaction was rolled back whole and may simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    /** Connection exceptions, operator intervention (shutdown, restart), insufficient resources. */
    private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "57", "53");

    private DatabaseFailures() {
    }

    public static boolean isRetryable(Throwable t) {
        return t instanceof PgException pg && RETRYABLE.contains(pg.getSqlState());
    }

    public static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PgException pg && pg.getSqlState() != null
                    && UNAVAILABLE_CLASSES.contains(pg.getSqlState().substring(0, 2))) {
                return true;
            }
            if (c instanceof ConnectException || c instanceof ClosedChannelException
                    || c instanceof TimeoutException) {
                return true;
            }
            if (c instanceof VertxException v && v.getMessage() != null
                    && (v.getMessage().contains("Connection") || v.getMessage().contains("closed")
                            || v.getMessage().contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }
}
