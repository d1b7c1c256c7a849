package io.meshhook.metrics.data.outcome;

import java.util.Locale;

/** How a finished run ended. {@code timed_out} is a kind of failure; {@code canceled} is not. */
public enum OutcomeStatus {
    SUCCEEDED, FAILED, CANCELED, TIMED_OUT;

    /** The name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFailure() {
        return this == FAILED || this == TIMED_OUT;
    }

    static OutcomeStatus fromWire(String value) {
        for (OutcomeStatus s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
