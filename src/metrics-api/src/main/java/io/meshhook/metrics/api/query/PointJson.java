package io.meshhook.metrics.api.query;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import io.meshhook.metrics.api.query.Responses.Point;
import io.meshhook.metrics.data.http.JsonOutput;

/**
 * A series point as JSON, field by field in the record's order, nulls written: what Jackson's record serializer
 * writes (PointJsonTest compares them), without a reflective call per field.
 */
public final class PointJson extends StdSerializer<Point> {

    public PointJson() {
        super(Point.class);
    }

    @Override
    public void serialize(Point p, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject(p);
        g.writeFieldName("start");
        if (p.start() == null) {
            g.writeNull();
        } else {
            g.writeString(JsonOutput.OffsetDateTimeText.format(p.start()));
        }
        g.writeNumberField("succeeded", p.succeeded());
        g.writeNumberField("failed", p.failed());
        g.writeNumberField("timedOut", p.timedOut());
        g.writeNumberField("canceled", p.canceled());
        g.writeNumberField("total", p.total());
        rate(g, "successRate", p.successRate());
        rate(g, "failureRate", p.failureRate());
        g.writeBooleanField("partial", p.partial());
        g.writeEndObject();
    }

    private static void rate(JsonGenerator g, String name, Double rate) throws IOException {
        if (rate == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, rate.doubleValue());
        }
    }
}
