package io.meshhook.metrics.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import net.jqwik.engine.SourceOfRandomness;

/**
 * Hostile input for the property tests that drive a running function over HTTP: jqwik arbitraries for strings and
 * JSON values, and seeded samples of them. {@code @Property} methods run in jqwik's own JUnit engine, which does not
 * start a {@code @QuarkusTest} application, so those tests are Jupiter tests that draw from these arbitraries with a
 * seed they print (rerun one with {@code -Dfuzz.seed=N}).
 */
public final class Fuzz {

    /** Strings that have broken parsers, SQL, UTF-8 encoders and text columns elsewhere. */
    public static final List<String> NASTY = List.of("", " ", "\u0000", "a\u0000b", "%00", "\uD800", "x\uDC00y",
            "\uDBFF\uDFFF", "😀", "👩‍👩‍👧‍👦", "\uFEFF", "\u202Eevil", "\u200B", "\uFFFF", "'", "''", "\"", "\\",
            "' or 1=1--", "' OR '1'='1", "1; drop table projects; --", "’ or 1=1 --", "ʼ; select pg_sleep(1)--",
            "%' and 1=1 and '%'='", "$1", "null", "undefined", "NaN", "-0", "1e400", "0x7fffffff", "../../etc/passwd",
            "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "{{7*7}}", "\r\n", "\t", "ü", "Ω", "𝔘𝔫𝔦");

    /** A JSON writer that escapes every non-ASCII character, so lone surrogates reach the server as written. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Fuzz() {
    }

    /** The seed of this run: {@code -Dfuzz.seed} to repeat one, else a new one. */
    public static long seed() {
        return Long.getLong("fuzz.seed", new Random().nextLong());
    }

    /**
     * {@code count} values of the arbitrary, edge cases mixed in, the same for the same seed. jqwik's generators need
     * its engine's context outside a property; {@code sampleStream()} makes one and draws from the thread's source
     * of randomness, which this seeds first.
     */
    public static <T> List<T> samples(Arbitrary<T> arbitrary, int count, long seed) {
        SourceOfRandomness.create(Long.toString(seed));
        return arbitrary.sampleStream().limit(count).toList();
    }

    /** Hostile strings: the known ones, any Unicode, very long ones, and ones with NUL and lone surrogates. */
    public static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(NASTY)),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withChars('\u0000', '\uD800', '\uDFFF', 'a', '\'', '%')
                        .ofMaxLength(20)),
                Tuple.of(1, Arbitraries.integers().between(201, 70_000).map("x"::repeat)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(12)));
    }

    /** Numbers of every JSON shape: negative, zero, fractions, past long, with huge exponents. */
    public static Arbitrary<Object> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 3).map(Object.class::cast),
                Arbitraries.integers().map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.of(new BigInteger("9".repeat(40)), new BigInteger("-" + "9".repeat(40)),
                        new BigDecimal("1E+400"), new BigDecimal("-1E-400"), new BigDecimal("0.5"),
                        new BigDecimal("1.0"), Double.MAX_VALUE, -0.0d, 2_147_483_648L, -2_147_483_649L)
                        .map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast));
    }

    /** Any JSON value, nested up to the depth: null, booleans, numbers, hostile strings, arrays and objects. */
    public static Arbitrary<Object> jsonValues(int depth) {
        Arbitrary<Object> scalar = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(1, Arbitraries.of(true, false).map(Object.class::cast)),
                Tuple.of(3, numbers()),
                Tuple.of(4, strings().map(Object.class::cast)));
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<Object> nested = jsonValues(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(6, scalar),
                Tuple.of(1, nested.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l))),
                Tuple.of(1,
                        Arbitraries.maps(strings(), nested).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))));
    }

    /** The value as JSON text, non-ASCII escaped (lone surrogates included). */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of an object body, for mutating. */
    public static Map<String, Object> copy(Map<String, Object> body) {
        return new LinkedHashMap<>(body);
    }
}
