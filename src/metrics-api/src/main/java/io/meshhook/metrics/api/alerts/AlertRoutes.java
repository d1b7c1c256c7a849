package io.meshhook.metrics.api.alerts;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.api.JsonReplies;
import io.meshhook.metrics.data.auth.Caller;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The alert endpoints under {@code /api/alerts}: thin routes onto RuleService, AlertHistory and Backtest. The
 * caller was verified by the AuthFilter before any body was read; bodies are read by the body handler funqy
 * installs for every route (within {@code quarkus.http.limits.max-body-size}).
 */
public class AlertRoutes {

    private static final String RULES = "/api/alerts/rules";
    private static final String RULE = RULES + "/:id";

    private final RuleService rules;
    private final AlertHistory history;
    private final Backtest backtest;
    private final ObjectMapper json;
    private final JsonReplies replies;

    AlertRoutes(RuleService rules, AlertHistory history, Backtest backtest, ObjectMapper json, JsonReplies replies) {
        this.rules = rules;
        this.history = history;
        this.backtest = backtest;
        this.json = json;
        this.replies = replies;
    }

    @Route(path = RULES, methods = HttpMethod.POST)
    void create(RoutingContext ctx) {
        replies.answer(ctx, 201, () -> rules.create(Caller.of(ctx), body(ctx)).invoke(rule -> ctx.response()
                .putHeader("Location", RULES + "/" + rule.id())));
    }

    @Route(path = RULES, methods = HttpMethod.GET)
    void list(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.list(Caller.of(ctx), AlertQuery.parse(ctx.queryParams(), Set.of("project"))
                .project()).map(list -> Map.of("rules", list)));
    }

    @Route(path = RULE, methods = HttpMethod.GET)
    void get(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.get(Caller.of(ctx), ctx.pathParam("id")));
    }

    @Route(path = RULE, methods = HttpMethod.PUT)
    void update(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.update(Caller.of(ctx), ctx.pathParam("id"), body(ctx)));
    }

    @Route(path = RULE, methods = HttpMethod.DELETE)
    void delete(RoutingContext ctx) {
        replies.answer(ctx, 204, () -> rules.delete(Caller.of(ctx), ctx.pathParam("id")));
    }

    @Route(path = RULE + "/enable", methods = HttpMethod.POST)
    void enable(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.setEnabled(Caller.of(ctx), ctx.pathParam("id"), true));
    }

    @Route(path = RULE + "/disable", methods = HttpMethod.POST)
    void disable(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.setEnabled(Caller.of(ctx), ctx.pathParam("id"), false));
    }

    @Route(path = RULE + "/snooze", methods = HttpMethod.POST)
    void snooze(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.snooze(Caller.of(ctx), ctx.pathParam("id"), body(ctx)));
    }

    @Route(path = RULE + "/unsnooze", methods = HttpMethod.POST)
    void unsnooze(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> rules.snooze(Caller.of(ctx), ctx.pathParam("id"), null));
    }

    @Route(path = "/api/alerts/events", methods = HttpMethod.GET)
    void events(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> history.events(Caller.of(ctx), AlertQuery.parse(ctx.queryParams(),
                Set.of("project", "rule", "limit", "before"))).map(events -> Map.of("events", events)));
    }

    @Route(path = "/api/alerts/states", methods = HttpMethod.GET)
    void states(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> history.states(Caller.of(ctx), AlertQuery.parse(ctx.queryParams(),
                Set.of("project", "rule"))).map(states -> Map.of("states", states)));
    }

    @Route(path = "/api/alerts/backtest", methods = HttpMethod.POST)
    void backtest(RoutingContext ctx) {
        replies.answer(ctx, 200, () -> backtest.run(Caller.of(ctx), body(ctx)));
    }

    private ObjectNode body(RoutingContext ctx) {
        return AlertProblems.object(json, ctx.body() == null ? null : ctx.body().asString());
    }
}
