package io.meshhook.metrics.evaluator.rules;

/**
 * A rule's figure for one workflow over its window: the value (null when there is nothing to rate), the rated runs
 * (succeeded, failed, timed out) that minRuns is checked against, all runs, and the failures among them.
 */
public record Measurement(String workflowSlug, Double value, long ratedRuns, long totalRuns, long failures) {
}
