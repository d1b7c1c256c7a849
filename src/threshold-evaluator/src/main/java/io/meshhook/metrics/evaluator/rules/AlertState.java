package io.meshhook.metrics.evaluator.rules;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.vertx.mutiny.sqlclient.Row;

/** The evaluator's state of one rule for one workflow, as kept in alert_states between passes. */
public record AlertState(String state, Instant stateSince, Instant pendingSince, Instant firingSince,
        Instant lastNotifiedAt) {

    public static final String OK = "ok";
    public static final String PENDING = "pending";
    public static final String FIRING = "firing";
    public static final String INSUFFICIENT_DATA = "insufficientData";
    public static final String SNOOZED = "snoozed";

    public static AlertState of(Row row) {
        return new AlertState(row.getString("state"), instant(row, "state_since"), instant(row, "pending_since"),
                instant(row, "firing_since"), instant(row, "last_notified_at"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
