package io.meshhook.metrics.data.problem;

/** One invalid input field: its path (e.g. {@code outcomes[17].finishedAt}) and what is wrong with it. */
public record FieldError(String field, String message) {
}
