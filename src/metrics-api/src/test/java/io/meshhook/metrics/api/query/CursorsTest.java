package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import io.vertx.core.MultiMap;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of pagination cursors, without the application: a cursor gives back its offset for its own listing
 * only; any one-character change, another listing's filters or another signing key make it invalid (-1).
 */
class CursorsTest {

    private static final Instant NOW = LocalDate.of(2026, 11, 29).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Cursors CURSORS = new Cursors("the deployment's cursor secret");
    private static final QueryParser PARSER = new QueryParser(CURSORS);

    @Property(tries = 300)
    void shouldGiveBackTheOffsetForTheSameListing(@ForAll @IntRange(min = 0, max = 99_999_999) int offset,
            @ForAll("listings") MultiMap listing) {
        MetricsQuery query = PARSER.summary(listing, NOW);

        assertThat(CURSORS.offset(CURSORS.next(query, offset), query)).isEqualTo(offset);
    }

    @Property(tries = 500)
    void shouldRefuseACursorWithAnyOneCharacterChanged(@ForAll @IntRange(min = 0, max = 99_999_999) int offset,
            @ForAll("listings") MultiMap listing, @ForAll @IntRange(min = 0, max = 200) int position,
            @ForAll char replacement) {
        MetricsQuery query = PARSER.summary(listing, NOW);
        String cursor = CURSORS.next(query, offset);
        int at = position % cursor.length();
        String tampered = cursor.substring(0, at) + replacement + cursor.substring(at + 1);

        if (!tampered.equals(cursor)) {
            assertThat(CURSORS.offset(tampered, query)).as("%s -> %s", cursor, tampered).isEqualTo(-1);
        }
    }

    @Property(tries = 300)
    void shouldRefuseACursorOfAnotherListing(@ForAll @IntRange(min = 0, max = 1000) int offset,
            @ForAll("listings") MultiMap one, @ForAll("listings") MultiMap other) {
        MetricsQuery first = PARSER.summary(one, NOW);
        MetricsQuery second = PARSER.summary(other, NOW);

        if (!first.listingKey().equals(second.listingKey())) {
            assertThat(CURSORS.offset(CURSORS.next(first, offset), second)).isEqualTo(-1);
        }
    }

    @Property(tries = 300)
    void shouldRefuseACursorSignedWithAnotherKey(@ForAll @IntRange(min = 0, max = 1000) int offset,
            @ForAll("listings") MultiMap listing, @ForAll @StringLength(min = 1, max = 64) String otherSecret) {
        MetricsQuery query = PARSER.summary(listing, NOW);
        Cursors forger = new Cursors(otherSecret);

        if (!otherSecret.equals("the deployment's cursor secret")) {
            assertThat(CURSORS.offset(forger.next(query, offset), query)).isEqualTo(-1);
        }
    }

    @Provide
    Arbitrary<MultiMap> listings() {
        Arbitrary<String> sort = Arbitraries.of("failureRate", "successRate", "runs", "failures", "lastRun", "slug");
        Arbitrary<String> q = Arbitraries.strings().alpha().ofMaxLength(5);
        Arbitrary<String> range = Arbitraries.of("1h", "24h", "7d", "30d", "90d", "365d");
        Arbitrary<String> tz = Arbitraries.of("UTC", "Europe/Berlin", "Asia/Kathmandu");
        return net.jqwik.api.Combinators.combine(sort, Arbitraries.of("asc", "desc"), q, range, tz,
                Arbitraries.integers().between(0, 5)).as((s, o, text, r, zone, minRuns) -> {
                    MultiMap params = MultiMap.caseInsensitiveMultiMap().add("sort", s).add("order", o)
                            .add("range", r).add("tz", zone).add("minRuns", String.valueOf(minRuns));
                    if (!text.isEmpty()) {
                        params.add("q", text);
                    }
                    return params;
                });
    }
}
