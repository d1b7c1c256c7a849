package io.meshhook.metrics.api.live;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.validation.CanonicalUuid;

/** The optional {@code project} query parameter of the stream: comma-separated project ids that narrow it. */
final class ProjectFilter {

    static final int MAX_PROJECTS = 100;

    private ProjectFilter() {
    }

    /** Empty when the parameter is absent (every visible project); the parameter may also be repeated. */
    static Optional<Set<UUID>> parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        Set<UUID> projects = new LinkedHashSet<>();
        int position = 0;
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                position++;
                UUID project = CanonicalUuid.parse(item.trim());
                if (project == null) {
                    // the value itself is not echoed: it is the caller's input and may be anything
                    throw ProblemException.badRequest("project must be a comma-separated list of project UUIDs;"
                            + " item " + position + " is not a UUID.");
                }
                projects.add(project);
            }
        }
        if (projects.size() > MAX_PROJECTS) {
            throw ProblemException.badRequest("project may list at most " + MAX_PROJECTS + " projects.");
        }
        return Optional.of(Set.copyOf(projects));
    }
}
