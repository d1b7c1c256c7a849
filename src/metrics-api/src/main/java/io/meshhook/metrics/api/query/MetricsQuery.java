package io.meshhook.metrics.api.query;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.meshhook.metrics.data.time.TimeWindow;

/**
 * A validated metrics query. Lists are empty when not filtered. {@code triggers} are the triggers counted (all
 * but {@code test} unless asked); {@code statuses} keeps workflows that had runs of one of them in the range.
 */
record MetricsQuery(TimeWindow window, List<UUID> projects, List<UUID> workflows, String slugContains,
        Integer version, List<String> statuses, List<String> triggers, long minRuns, SortKey sort,
        boolean descending, int limit, int offset) {

    /** Whether it counts what the local-day level counts: every trigger but {@code test}, every version. */
    boolean unfiltered() {
        return version == null && Set.copyOf(triggers).equals(Set.copyOf(QueryParser.DEFAULT_TRIGGERS));
    }

    /** The filters that define a listing, for binding cursors to it (limit and offset excluded). */
    String listingKey() {
        // a preset slides with time: bind to the preset, not to the instants it gave, or the cursor dies in 15 min
        String range = window.preset() != null ? window.preset() : window.from() + "/" + window.to();
        return String.join("|", range, window.zone().getId(),
                window.granularity().wireName(), projects.toString(), workflows.toString(),
                String.valueOf(slugContains),
                String.valueOf(version), statuses.toString(), triggers.toString(), Long.toString(minRuns),
                sort.wireName, Boolean.toString(descending));
    }
}
