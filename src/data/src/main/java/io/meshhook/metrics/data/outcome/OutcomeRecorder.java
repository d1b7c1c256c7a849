package io.meshhook.metrics.data.outcome;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * Records finished runs: validates a request whole, then writes it in one transaction and answers only after
 * the commit. A run id is counted once; the same run id with another outcome is a conflict and changes nothing.
 */
@ApplicationScoped
public class OutcomeRecorder {

    /** The largest batch accepted in one request. */
    public static final int MAX_BATCH = 1_000;
    private static final String INVALID = "invalid-outcome";
    private static final String INVALID_TITLE = "Invalid outcome";

    private final OutcomeWriter writer;
    private final Clock clock;
    private final RetentionConfig retention;
    private final MeterRegistry meters;

    OutcomeRecorder(OutcomeWriter writer, Clock clock, RetentionConfig retention, MeterRegistry meters) {
        this.writer = writer;
        this.clock = clock;
        this.retention = retention;
        this.meters = meters;
    }

    /** Records one outcome sent as a JSON object. */
    public Uni<RecordedOutcome> recordOne(JsonNode body) {
        return Uni.createFrom().<List<Reported>>item(() -> {
            List<FieldError> errors = new ArrayList<>();
            RunOutcome outcome = parser().parse(requireBody(body), "", errors);
            throwIfInvalid(errors);
            return List.of(new Reported(outcome, ""));
        }).chain(this::write).map(results -> results.get(0))
                .onFailure(ProblemException.class).invoke(this::countRejection);
    }

    /** Records a batch {@code {"outcomes": [...]}}: all or nothing. */
    public Uni<RecordedBatch> recordBatch(JsonNode body) {
        return Uni.createFrom().item(() -> parseBatch(requireBody(body))).chain(this::write).map(RecordedBatch::of)
                .onFailure(ProblemException.class).invoke(this::countRejection);
    }

    private List<Reported> parseBatch(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode items = body.isObject() ? body.get("outcomes") : null;
        if (!body.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object with an outcomes array"));
        } else if (items == null || !items.isArray()) {
            errors.add(new FieldError("outcomes", "must be an array of outcomes"));
        } else if (items.isEmpty()) {
            errors.add(new FieldError("outcomes", "must contain at least 1 outcome"));
        } else if (items.size() > MAX_BATCH) {
            errors.add(new FieldError("outcomes", "must contain at most " + MAX_BATCH + " outcomes"));
        }
        throwIfInvalid(errors);
        OutcomeParser parser = parser();
        List<Reported> reported = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String path = "outcomes[" + i + "]";
            RunOutcome outcome = parser.parse(items.get(i), path, errors);
            reported.add(new Reported(outcome, path));
        }
        throwIfInvalid(errors);
        return reported;
    }

    private Uni<List<RecordedOutcome>> write(List<Reported> reported) {
        Timer.Sample sample = Timer.start(meters);
        return writeOnce(reported).invoke(results -> {
            sample.stop(Timer.builder("run_metrics.record").description("Time to validate and commit a request")
                    .publishPercentileHistogram().register(meters));
            long duplicates = results.stream().filter(RecordedOutcome::duplicate).count();
            meters.counter("run_metrics.outcomes.recorded", "result", "new").increment(results.size() - duplicates);
            meters.counter("run_metrics.outcomes.recorded", "result", "duplicate").increment(duplicates);
        });
    }

    /** Counts refused requests by the kind of problem (invalid-outcome, outcome-conflict, bad-request). */
    private void countRejection(Throwable failure) {
        String type = ((ProblemException) failure).problem().type();
        meters.counter("run_metrics.outcomes.rejected", "reason", type.substring(type.lastIndexOf('/') + 1))
                .increment();
    }

    private Uni<List<RecordedOutcome>> writeOnce(List<Reported> reported) {
        return writer.write(withoutRepeats(reported)).map(inserted -> reported.stream()
                .map(r -> new RecordedOutcome(r.outcome().runId(), !inserted.remove(r.outcome().runId()))).toList());
    }

    /** A run id repeated inside one request is a duplicate when identical, and a conflict otherwise. */
    private static List<Reported> withoutRepeats(List<Reported> reported) {
        Map<UUID, Reported> first = new HashMap<>();
        List<Reported> unique = new ArrayList<>(reported.size());
        for (Reported r : reported) {
            Reported earlier = first.putIfAbsent(r.outcome().runId(), r);
            if (earlier == null) {
                unique.add(r);
            } else if (!earlier.outcome().fingerprint().equals(r.outcome().fingerprint())) {
                throw conflict(List.of(new FieldError(r.field("runId"),
                        "repeats " + earlier.field("runId") + " with a different outcome")));
            }
        }
        return unique;
    }

    private OutcomeParser parser() {
        return new OutcomeParser(clock.instant(), retention.rollups());
    }

    private static JsonNode requireBody(JsonNode body) {
        if (body == null || body.isMissingNode()) {
            throw ProblemException.badRequest("A JSON request body is required.");
        }
        return body;
    }

    private static void throwIfInvalid(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(Problem.invalid(INVALID, INVALID_TITLE, errors));
    }

    static ProblemException conflict(List<FieldError> conflicts) {
        return new ProblemException(new Problem("/problems/outcome-conflict", "Outcome conflict", 409,
                "A run id was reported before with a different outcome; nothing was changed.", conflicts));
    }
}
