package io.meshhook.metrics.evaluator.rules;

import java.util.Arrays;

/** The figures a rule can watch, with their wire names as stored in alert_rules.metric. */
public enum Metric {
    FAILURE_RATE("failureRate", "failure rate"), SUCCESS_RATE("successRate", "success rate"), FAILURES("failures",
            "failures"), CONSECUTIVE_FAILURES("consecutiveFailures",
                    "consecutive failures"), RUNS_BELOW("runsBelow", "runs");

    private final String wireName;
    private final String label;

    Metric(String wireName, String label) {
        this.wireName = wireName;
        this.label = label;
    }

    public String wireName() {
        return wireName;
    }

    /** How people read it in a mail or a Slack message. */
    public String label() {
        return label;
    }

    public boolean isRate() {
        return this == FAILURE_RATE || this == SUCCESS_RATE;
    }

    public static Metric of(String wireName) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown metric " + wireName));
    }
}
