package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Array;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.TestDatabase;

/** Histograms read in PostgreSQL's text form add up to what PostgreSQL itself adds up. */
class HistogramSumTest {

    @Test
    void shouldAddHistogramsAsPostgresqlPrintsThemToTheSumPostgresqlComputes() throws Exception {
        try (TestDatabase db = TestDatabase.createEmpty("histogram_text")) {
            // 40 groups of 1-20 random arrays: lengths 0-90, counts up to 100,000, some NULL elements, empty arrays,
            // and arrays with a lower bound other than 1, which print with a dimension prefix; half of them as
            // metrics-api ships them (MetricsSql: nulls as nothing between commas)
            List<Map<String, Object>> groups = db.query("""
                    with arrays as (
                        select g % 40 as grp, g,
                            case when g % 17 = 0 then '{}'::int[]
                                 when g % 29 = 0 then '[0:2]={4,5,6}'::int[]
                                 else (select array_agg(case when random() < 0.05 then null
                                                             else (random() * random() * 100000)::int end)
                                       from generate_series(1, (random() * 90)::int + g * 0)) end as h
                        from generate_series(1, 40 * (1 + (random() * 19)::int)) g),
                    elements as (
                        select a.grp, e.i, sum(coalesce(e.v, 0)) as v
                        from arrays a cross join lateral unnest(a.h) with ordinality as e(v, i)
                        group by a.grp, e.i)
                    select a.grp, array_agg(coalesce(case when a.g % 2 = 0 then a.h::text
                                else '{' || array_to_string(a.h, ',', '') || '}' end, 'null') order by a.g) as texts,
                        (select array_agg(e.v::int order by e.i) from elements e where e.grp = a.grp) as expected
                    from arrays a group by a.grp order by a.grp""");

            assertThat(groups).hasSize(40);
            for (Map<String, Object> group : groups) {
                HistogramSum sum = new HistogramSum();
                for (Object text : (Object[]) ((Array) group.get("texts")).getArray()) {
                    sum.add("null".equals(text) ? null : (String) text);
                }
                Array expected = (Array) group.get("expected");
                Integer[] want = expected == null ? new Integer[0] : (Integer[]) expected.getArray();
                assertThat(sum.toArray()).as("group %s", group.get("grp")).containsExactly(want);
            }
        }
    }

    @Test
    void shouldCountNullElementsAsZeroAndRefuseWhatIsNotAnArrayOfCounts() {
        HistogramSum sum = new HistogramSum();
        assertThat(sum.isEmpty()).isTrue();
        sum.add((String) null);
        assertThat(sum.isEmpty()).isTrue();
        sum.add("{1,NULL,2}");
        sum.add("{NULL,3}");
        sum.add(new Integer[]{null, 1, 1, 5});
        sum.add("{NULL,NULL,NULL,NULL,NULL}");
        sum.add("{,,,2,,}");
        assertThat(sum.toArray()).containsExactly(1, 4, 3, 7, 0, 0);
        // tried: a negative count, a float, a word, no braces at all
        assertThatThrownBy(() -> sum.add("{1,-2}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sum.add("{1.5}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sum.add("{one}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sum.add("1,2")).isInstanceOf(IllegalArgumentException.class);
    }
}
