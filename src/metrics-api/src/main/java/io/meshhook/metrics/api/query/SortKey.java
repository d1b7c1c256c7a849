package io.meshhook.metrics.api.query;

import java.util.Comparator;
import java.util.function.Function;

import io.meshhook.metrics.api.query.Responses.WorkflowSummary;

/** The allow-listed sort keys of the summary, each with its natural default order. Unrated workflows sort last. */
enum SortKey {
    FAILURE_RATE("failureRate", true, w -> w.counts().failureRate()), SUCCESS_RATE("successRate", true,
            w -> w.counts().successRate()), RUNS("runs", true, w -> w.counts().total()), FAILURES("failures", true,
                    w -> w.counts().failures()), LAST_RUN("lastRun", true,
                            WorkflowSummary::lastRunAt), SLUG("slug", false, WorkflowSummary::workflowSlug);

    final String wireName;
    final boolean descendingByDefault;
    private final Function<WorkflowSummary, Comparable<?>> value;

    SortKey(String wireName, boolean descendingByDefault, Function<WorkflowSummary, Comparable<?>> value) {
        this.wireName = wireName;
        this.descendingByDefault = descendingByDefault;
        this.value = value;
    }

    /**
     * The order of a listing: the key (missing values last whichever the direction: a workflow without rated runs
     * has no rate to rank), then slug and project, so that pages never overlap or skip.
     */
    Comparator<WorkflowSummary> comparator(boolean descending) {
        Comparator<WorkflowSummary> byKey = (a, b) -> {
            @SuppressWarnings("unchecked")
            Comparable<Object> x = (Comparable<Object>) value.apply(a);
            Object y = value.apply(b);
            if (x == null || y == null) {
                return x == y ? 0 : x == null ? 1 : -1;
            }
            return descending ? -x.compareTo(y) : x.compareTo(y);
        };
        return byKey.thenComparing(WorkflowSummary::workflowSlug).thenComparing(w -> w.projectId().toString());
    }

    static SortKey fromWire(String value) {
        for (SortKey k : values()) {
            if (k.wireName.equals(value)) {
                return k;
            }
        }
        return null;
    }
}
