package io.meshhook.metrics.data.problem;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** Classifies database failures: which mean "unreachable, retry later" and which are worth retrying at once. */
public final class DatabaseFailures {

    /** Serialization failure and deadlock: the transaction was rolled back whole and may simply run again. */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01");
    /**
     * Connection exceptions, operator intervention (shutdown, restart, and 57014: statement_timeout cancelled the
     * statement, so its transaction rolled back), insufficient resources (53100: disk full).
     */
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
            // any I/O failure talking to the server: refused (ConnectException), reset under a running statement
            // (SocketException, or Netty's native "Connection reset by peer"); ClosedConnectionException: closed
            // by the server (its message names neither "Connection" nor "closed")
            if (c instanceof IOException
                    || c instanceof ClosedConnectionException || c instanceof TimeoutException) {
                return true;
            }
            // the pool's acquire timeout fails with a bare "Timeout"; a connection that died while a transaction
            // was being opened with "Connection is not active now, current status: CLOSED"
            if (c instanceof NoStackTraceThrowable && c.getMessage() != null
                    && (c.getMessage().equals("Timeout") || c.getMessage().startsWith("Connection is not active"))) {
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
