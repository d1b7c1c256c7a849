package io.meshhook.metrics.data.outcome;

import java.util.Locale;

/** What started a run. Runs triggered as {@code test} are left out of metrics unless a query asks for them. */
public enum RunTrigger {
    WEBHOOK, SCHEDULE, MANUAL, REPLAY, TEST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RunTrigger fromWire(String value) {
        for (RunTrigger t : values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        return null;
    }
}
