package io.meshhook.metrics.api.alerts;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Creates, reads, changes and deletes alert rules as the calling user, each in one RLS-scoped transaction, so a
 * rule of another tenant is indistinguishable from one that does not exist.
 */
@ApplicationScoped
public class RuleService {

    private final TenantScope scope;
    private final Clock clock;

    RuleService(TenantScope scope, Clock clock) {
        this.scope = scope;
        this.clock = clock;
    }

    /** Creates a rule in a project of the caller's; the webhook secret, if any, is in this answer only. */
    public Uni<AlertRule> create(Caller caller, ObjectNode body) {
        RuleDraft d = RuleParser.parse(body, RuleParser.Mode.CREATE);
        String secret = d.webhookUrl() == null ? null : WebhookSecrets.generate();
        List<Object> params = new ArrayList<>();
        params.add(d.projectId());
        params.addAll(values(d));
        params.add(secret);
        params.add(caller.userId().orElse(null));
        return scope.queryAsUser(caller, c -> requireProject(c, d.projectId())
                .chain(() -> c.preparedQuery(RuleSql.INSERT).execute(Tuple.from(params))))
                .onFailure().transform(AlertProblems::mapRefusedWrite)
                .map(rows -> AlertRule.of(rows.iterator().next(), secret));
    }

    /** The rules of one project of the caller's, or of all of them. */
    public Uni<List<AlertRule>> list(Caller caller, UUID project) {
        return scope.queryAsUser(caller, c -> (project == null
                ? Uni.createFrom().voidItem()
                : requireProject(c, project)).chain(() -> c.preparedQuery(RuleSql.LIST).execute(Tuple.of(project))))
                .map(rows -> {
                    List<AlertRule> rules = new ArrayList<>();
                    rows.forEach(r -> rules.add(AlertRule.of(r, null)));
                    return rules;
                });
    }

    public Uni<AlertRule> get(Caller caller, String id) {
        UUID ruleId = AlertProblems.ruleId(id);
        return scope.queryAsUser(caller, c -> c.preparedQuery(RuleSql.GET).execute(Tuple.of(ruleId)))
                .map(RuleService::one);
    }

    /**
     * Replaces the rule. The project cannot change; the webhook secret is kept unless a webhook is added (new
     * secret), removed (secret dropped) or {@code rotateWebhookSecret} asks for a new one, answered once.
     */
    public Uni<AlertRule> update(Caller caller, String id, ObjectNode body) {
        UUID ruleId = AlertProblems.ruleId(id);
        RuleDraft d = RuleParser.parse(body, RuleParser.Mode.UPDATE);
        return scope.queryAsUser(caller, c -> c.preparedQuery(RuleSql.LOCK).execute(Tuple.of(ruleId)).chain(rows -> {
            Row current = one(rows, r -> r);
            if (d.projectId() != null && !d.projectId().equals(current.getUUID("project_id"))) {
                throw RuleParser.invalid(List.of(new FieldError("projectId",
                        "cannot change; create the rule in the other project instead")));
            }
            boolean hadWebhook = current.getString("webhook_url") != null;
            String secret = d.webhookUrl() != null && (!hadWebhook || d.rotateWebhookSecret())
                    ? WebhookSecrets.generate()
                    : null;
            boolean setSecret = secret != null || d.webhookUrl() == null;
            List<Object> params = new ArrayList<>();
            params.add(ruleId);
            params.addAll(values(d));
            if (setSecret) {
                params.add(secret);
            }
            return c.preparedQuery(RuleSql.update(setSecret)).execute(Tuple.from(params))
                    .map(updated -> AlertRule.of(one(updated, r -> r), secret));
        }));
    }

    public Uni<Void> delete(Caller caller, String id) {
        UUID ruleId = AlertProblems.ruleId(id);
        return scope.queryAsUser(caller, c -> c.preparedQuery(RuleSql.DELETE).execute(Tuple.of(ruleId)))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw AlertProblems.ruleNotFound();
                    }
                    return null;
                });
    }

    public Uni<AlertRule> setEnabled(Caller caller, String id, boolean enabled) {
        UUID ruleId = AlertProblems.ruleId(id);
        return scope.queryAsUser(caller, c -> c.preparedQuery(RuleSql.SET_ENABLED)
                .execute(Tuple.of(ruleId, enabled))).map(RuleService::one);
    }

    /** Snoozes until an instant or for a duration ({@code {"until": …}} or {@code {"for": "PT2H"}}); null ends it. */
    public Uni<AlertRule> snooze(Caller caller, String id, ObjectNode body) {
        UUID ruleId = AlertProblems.ruleId(id);
        OffsetDateTime until = body == null
                ? null
                : OffsetDateTime.ofInstant(SnoozeParser.until(body, clock.instant()), ZoneOffset.UTC);
        return scope.queryAsUser(caller, c -> c.preparedQuery(RuleSql.SET_SNOOZE)
                .execute(Tuple.of(ruleId, until))).map(RuleService::one);
    }

    /** Fails with the project's 404 unless the caller may see it: also what keeps inserts out of others' projects. */
    static Uni<Void> requireProject(SqlConnection c, UUID project) {
        return c.preparedQuery(RuleSql.PROJECT_VISIBLE).execute(Tuple.of(project)).map(rows -> {
            if (!Boolean.TRUE.equals(rows.iterator().next().getBoolean("visible"))) {
                throw AlertProblems.projectNotFound();
            }
            return null;
        });
    }

    /** $2..$16 of INSERT and UPDATE: the rule's own fields, in the order the statements name them. */
    private static List<Object> values(RuleDraft d) {
        List<Object> v = new ArrayList<>();
        v.add(d.name());
        v.add(d.workflowSlug());
        v.add(d.metric().wireName);
        v.add(d.operator());
        v.add(d.threshold());
        v.add(d.recoverThreshold());
        v.add(d.windowSeconds());
        v.add(d.minRuns());
        v.add(d.forSeconds());
        v.add(d.repeatEverySeconds());
        v.add(d.notifyOnResolve());
        v.add(d.emails().toArray(String[]::new));
        v.add(d.webhookUrl());
        v.add(d.slackUrl());
        v.add(d.enabled());
        return v;
    }

    private static AlertRule one(RowSet<Row> rows) {
        return AlertRule.of(one(rows, r -> r), null);
    }

    private static <T> T one(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
        if (rows.size() == 0) {
            throw AlertProblems.ruleNotFound();
        }
        return map.apply(rows.iterator().next());
    }
}
