package io.meshhook.metrics.api.live;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The projects a user may watch, as PostgreSQL decides them under the user's own claims (the same
 * {@code user_project_ids()} the RLS policies use), never as the application would guess them.
 */
@ApplicationScoped
public class VisibleProjects {

    private static final String USER_PROJECT_IDS = "select public.user_project_ids()";

    private final TenantScope tenants;

    VisibleProjects(TenantScope tenants) {
        this.tenants = tenants;
    }

    /** The caller's projects, narrowed to {@code requested} when given; ids the caller cannot see just vanish. */
    Uni<Set<UUID>> of(Caller caller, Optional<Set<UUID>> requested) {
        return tenants.queryAsUser(caller, connection -> connection.query(USER_PROJECT_IDS).execute()
                .map(rows -> {
                    Set<UUID> visible = new HashSet<>();
                    for (Row row : rows) {
                        visible.add(row.getUUID(0));
                    }
                    requested.ifPresent(visible::retainAll);
                    return Set.copyOf(visible);
                }));
    }
}
