package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.meshhook.metrics.api.query.Responses.Point;
import io.meshhook.metrics.data.http.JsonOutput;

/** PointJson writes exactly the text Jackson's own record serializer writes for the same points. */
class PointJsonTest {

    /** Takes the custom serializer off Point, leaving Jackson's record serializer. */
    @JsonSerialize(using = JsonSerializer.None.class)
    private interface JacksonsOwn {
    }

    @Test
    void shouldWriteWhatJacksonsRecordSerializerWrites() throws Exception {
        ObjectMapper ours = mapper();
        ObjectMapper jacksons = mapper().addMixIn(Point.class, JacksonsOwn.class);
        Random random = new Random(3);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long s = random.nextInt(1000);
            long f = random.nextInt(3) == 0 ? 0 : random.nextInt(50);
            long t = random.nextInt(5);
            boolean rated = s + f + t > 0 && random.nextInt(10) > 0;
            points.add(new Point(
                    OffsetDateTime.ofInstant(Instant.ofEpochSecond(1_700_000_000L + 900L * i),
                            ZoneId.of(i % 2 == 0 ? "UTC" : "Asia/Kathmandu")),
                    s, f, t, random.nextInt(3), s + f + t, rated ? (double) s / (s + f + t) : null,
                    rated ? (double) (f + t) / (s + f + t) : null, random.nextBoolean()));
        }
        String written = ours.writeValueAsString(points);
        assertThat(written).isEqualTo(jacksons.writeValueAsString(points));
        assertThat(written).contains("\"successRate\":null").contains("+05:45\"");
        assertThat(ours.getSerializerProviderInstance().findValueSerializer(Point.class))
                .isInstanceOf(PointJson.class);
        assertThat(jacksons.getSerializerProviderInstance().findValueSerializer(Point.class))
                .as("the comparison is with Jackson's own serializer").isNotInstanceOf(PointJson.class);
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        new JsonOutput().customize(mapper);
        return mapper;
    }
}
