package io.meshhook.metrics.evaluator.rules;

/**
 * What one evaluation decided for a rule and workflow: the state to keep, and whether that is a history event
 * (a transition, or a reminder while firing) and which notification it sends.
 */
public record Decision(AlertState next, String eventKind, String fromState, Notify send) {

    /** The notifications a decision queues. */
    public enum Notify {
        NONE(null), FIRING("alert.firing"), RESOLVED("alert.resolved"), RENOTIFY("alert.renotify");

        private final String eventType;

        Notify(String eventType) {
            this.eventType = eventType;
        }

        /** The {@code type} of the webhook event. */
        public String eventType() {
            return eventType;
        }
    }

    public boolean isTransition() {
        return "transition".equals(eventKind);
    }
}
