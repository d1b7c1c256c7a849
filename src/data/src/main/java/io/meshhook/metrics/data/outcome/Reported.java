package io.meshhook.metrics.data.outcome;

/** An outcome with the path its fields are reported under ({@code ""} or {@code outcomes[3]}). */
record Reported(RunOutcome outcome, String path) {

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
