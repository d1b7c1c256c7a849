package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The level decomposition reads every quarter-hour of a range once and never mixes two answer buckets. */
class RollupPiecesTest {

    private static final long Q = 900;

    @Test
    void shouldCoverEachQuarterOnceWithAlignedPiecesThatNeverStraddleACutForRandomRanges() {
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            long from = 1_700_000_000L / Q * Q + rnd.nextInt(20_000) * Q;
            long to = from + Q * (1 + rnd.nextInt(rnd.nextBoolean() ? 200 : 40_000));
            List<Instant> cuts = new ArrayList<>();
            for (int c = rnd.nextInt(30); c > 0; c--) {
                cuts.add(Instant.ofEpochSecond(from - 50 * Q + Q * rnd.nextInt((int) ((to - from) / Q) + 100)));
            }
            // no local days, UTC's only, or some of the day starts of real zones (Kathmandu, Kolkata, New York)
            Set<Integer> starts = List.of(Set.<Integer>of(), Set.of(0), Set.of(0, 1095), Set.of(0, 1110, 300, 240))
                    .get(rnd.nextInt(4));
            RollupPieces pieces = RollupPieces.of(Instant.ofEpochSecond(from), Instant.ofEpochSecond(to), cuts,
                    starts);

            int[] reads = new int[(int) ((to - from) / Q)];
            readEach(pieces.daily(), 86_400, from, reads, cuts);
            readEach(pieces.hourly(), 3_600, from, reads, cuts);
            readEach(pieces.quarters(), Q, from, reads, cuts);
            for (int r = 0; r < pieces.localDays().from().size(); r++) {
                int minute = pieces.localDays().minutes().get(r);
                assertThat(starts).as("a kept day start").contains(minute);
                readEach(one(pieces.localDays(), r), 86_400, minute * 60L, from, reads, cuts);
            }
            for (int q = 0; q < reads.length; q++) {
                assertThat(reads[q]).as("reads of quarter %d of [%d, %d) cut at %s, local days %s", q, from, to,
                        cuts, starts).isEqualTo(1);
            }
            assertThat(pieces.totals()).as("hours from the hourly totals").isEqualTo(!starts.isEmpty());
            if (starts.contains(0)) {
                assertThat(pieces.daily().from()).as("UTC days come from the local-day level").isEmpty();
            }
        }
    }

    @Test
    void shouldReadAKathmanduDayAsOneLocalDayWhenItsDayStartIsKept() {
        ZoneId kathmandu = ZoneId.of("Asia/Kathmandu");
        Instant start = LocalDate.of(2026, 11, 1).atStartOfDay(kathmandu).toInstant();
        Instant end = LocalDate.of(2026, 11, 8).atStartOfDay(kathmandu).toInstant();
        List<Instant> cuts = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 11, 1); d.isBefore(LocalDate.of(2026, 11, 9)); d = d.plusDays(1)) {
            cuts.add(d.atStartOfDay(kathmandu).toInstant());
        }

        RollupPieces pieces = RollupPieces.of(start, end, cuts, Set.of(0, 1095));

        assertThat(pieces.localDays().fromArray()).containsExactly(RollupReader.offset(start));
        assertThat(pieces.localDays().toArray()).containsExactly(RollupReader.offset(end));
        assertThat(pieces.localDays().minutes()).containsExactly((short) 1095);
        assertThat(pieces.rangeCount()).isEqualTo(1);
    }

    @Test
    void shouldReadAKathmanduDayAsThreeQuartersTwentyThreeHoursAndOneQuarter() {
        ZoneId kathmandu = ZoneId.of("Asia/Kathmandu");
        Instant start = LocalDate.of(2026, 11, 1).atStartOfDay(kathmandu).toInstant(); // 18:15 UTC the day before
        Instant end = LocalDate.of(2026, 11, 2).atStartOfDay(kathmandu).toInstant();

        RollupPieces pieces = RollupPieces.of(start, end, List.of(start, end));

        assertThat(pieces.daily().from()).isEmpty();
        assertThat(seconds(pieces.hourly())).isEqualTo(23 * 3_600);
        assertThat(seconds(pieces.quarters())).isEqualTo(4 * Q);
    }

    @Test
    void shouldReadWholeUtcDaysFromTheDailyLevelWhenNothingCutsThem() {
        Instant start = Instant.parse("2026-10-30T10:45:00Z");
        Instant end = Instant.parse("2026-11-29T10:45:00Z");

        RollupPieces pieces = RollupPieces.of(start, end, List.of());

        assertThat(pieces.daily().from()).hasSize(1);
        assertThat(seconds(pieces.daily())).isEqualTo(29 * 86_400);
        assertThat(seconds(pieces.hourly())).isEqualTo((13 + 10) * 3_600);
        assertThat(seconds(pieces.quarters())).as("10:45-11:00 and 10:00-10:45").isEqualTo(4 * Q);
    }

    private static RollupPieces.Ranges one(RollupPieces.Ranges ranges, int r) {
        return new RollupPieces.Ranges(List.of(ranges.from().get(r)), List.of(ranges.to().get(r)),
                List.of(ranges.minutes().get(r)));
    }

    private static void readEach(RollupPieces.Ranges ranges, long level, long from, int[] reads, List<Instant> cuts) {
        readEach(ranges, level, 0, from, reads, cuts);
    }

    private static void readEach(RollupPieces.Ranges ranges, long level, long origin, long from, int[] reads,
            List<Instant> cuts) {
        for (int r = 0; r < ranges.from().size(); r++) {
            long a = ranges.from().get(r);
            long b = ranges.to().get(r);
            assertThat(Math.floorMod(a - origin, level)).as("range start on the level's grain").isZero();
            assertThat(Math.floorMod(b - origin, level)).as("range end on the level's grain").isZero();
            for (long t = a; t < b; t += level) {
                long pieceStart = t;
                long pieceEnd = t + level;
                assertThat(cuts).noneMatch(c -> c.getEpochSecond() > pieceStart && c.getEpochSecond() < pieceEnd);
                for (long q = t; q < t + level; q += Q) {
                    reads[(int) ((q - from) / Q)]++;
                }
            }
        }
    }

    private static long seconds(RollupPieces.Ranges ranges) {
        long total = 0;
        for (int r = 0; r < ranges.from().size(); r++) {
            total += ranges.to().get(r) - ranges.from().get(r);
        }
        return total;
    }
}
